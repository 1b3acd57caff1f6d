// The bot's API: every call carries Telegram's signed initData, nothing else identifies us.
import { initData } from "./telegram.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

function headers(extra = {}) {
  return { Authorization: `tma ${initData()}`, ...extra };
}

async function checked(response) {
  if (response.ok) return response;
  let body = {};
  try { body = await response.json(); } catch { /* not JSON: keep the status */ }
  throw new ApiError(response.status, body.error ?? "error", body.message ?? "");
}

const base = new URL("api/", document.baseURI);

export async function getJson(path) {
  const response = await fetch(new URL(path, base), { headers: headers(), cache: "no-store" });
  return (await checked(response)).json();
}

export async function postJson(path, body) {
  const response = await fetch(new URL(path, base), {
    method: "POST",
    headers: headers({ "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
  return (await checked(response)).json();
}

export async function getBlob(path) {
  const response = await fetch(new URL(path, base), { headers: headers() });
  return (await checked(response)).blob();
}

export async function labelsFor(language) {
  const response = await fetch(new URL(`labels/${encodeURIComponent(language)}`, base));
  return response.ok ? response.json() : {};
}
