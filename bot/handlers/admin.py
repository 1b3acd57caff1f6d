"""/admin: load and spend at a glance, for ADMIN_USER_IDS."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.handlers.context import DirectorContext
from bot.handlers.replies import reply
from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.admin import LoadReport


def format_report(language: str, report: LoadReport) -> dict[str, Any]:
    """The catalog parameters of `admin.report`."""
    totals, runner = report.totals, report.runner
    jobs = ", ".join(
        f"{count} {t(language, f'status.job.{state}')}" for state, count in totals.recent_jobs
    ) or t(language, "admin.none")
    top = ", ".join(
        f"{escape(name) or user_id} (${spent:.2f})" for user_id, name, spent in totals.top_spenders
    ) or t(language, "admin.none")
    return {
        "rendering": runner.rendering,
        "workers": runner.workers,
        "waiting": runner.waiting,
        "delivering": runner.delivering,
        "other": runner.other,
        "jobs": jobs,
        "users": totals.users,
        "projects": totals.projects,
        "scenes": totals.scenes,
        "spend": f"{totals.spend_usd:.2f}",
        "spend_day": f"{totals.recent_spend_usd:.2f}",
        "top": top,
        "farm": format_farm(language, report),
    }


def format_farm(language: str, report: LoadReport) -> str:
    """The render farm's line: its workers and how busy each is."""
    if not report.has_farm:
        return t(language, "farm.local")
    if report.farm is None:
        return t(language, "farm.unknown")
    names = ", ".join(
        t(
            language,
            "farm.worker",
            name=escape(worker.name),
            busy=worker.busy,
            slots=worker.concurrency,
            done=worker.done,
        )
        for worker in report.farm
    ) or t(language, "admin.none")
    return t(
        language,
        "farm.workers",
        count=len(report.farm),
        busy=sum(worker.busy for worker in report.farm),
        slots=sum(worker.concurrency for worker in report.farm),
        names=names,
    )


async def admin(update: Update, context: DirectorContext) -> None:
    """Show running and waiting jobs, users, projects and spend to an admin."""
    if update.effective_user is None:
        return
    report = context.use_cases.admin.report(update.effective_user.id)
    await reply(update, context, "admin.report", **format_report(context.language(), report))
