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
    }


async def admin(update: Update, context: DirectorContext) -> None:
    """Show running and waiting jobs, users, projects and spend to an admin."""
    if update.effective_user is None:
        return
    report = context.use_cases.admin.report(update.effective_user.id)
    await reply(update, context, "admin.report", **format_report(context.language(), report))
