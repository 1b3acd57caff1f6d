// Telegram's Mini App API (window.Telegram.WebApp), used only where the client supports it.
const webApp = window.Telegram?.WebApp ?? null;

export const tg = webApp;

export function initData() {
  return webApp?.initData ?? "";
}

// The project a direct link asked for (t.me/<bot>/<app>?startapp=timeline-42), if any.
export function startProject() {
  const found = /^timeline-(\d{1,15})$/.exec(webApp?.initDataUnsafe?.start_param ?? "");
  return found ? found[1] : null;
}

export function userLanguage() {
  return webApp?.initDataUnsafe?.user?.language_code ?? navigator.language ?? "en";
}

function supports(version) {
  return Boolean(webApp?.isVersionAtLeast?.(version));
}

// Telegram sets --tg-theme-* itself; we set them too, so a theme change mid-session applies
// at once and the colour scheme decides the fallbacks.
export function applyTheme() {
  const root = document.documentElement;
  const params = webApp?.themeParams ?? {};
  for (const [name, value] of Object.entries(params)) {
    root.style.setProperty(`--tg-theme-${name.replaceAll("_", "-")}`, value);
  }
  const scheme = webApp?.colorScheme
    ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  root.dataset.scheme = scheme;
  root.style.colorScheme = scheme;
  if (webApp && supports("6.1")) {
    webApp.setHeaderColor?.("bg_color");
    webApp.setBackgroundColor?.("bg_color");
  }
}

export function applyViewport() {
  const height = webApp?.viewportStableHeight;
  if (height) document.documentElement.style.setProperty("--tg-viewport-stable-height", `${height}px`);
}

export function start(onThemeChange) {
  applyTheme();
  applyViewport();
  if (!webApp) return;
  webApp.ready();
  webApp.expand();
  // Dragging scenes must not swipe the Mini App closed.
  if (supports("7.7")) webApp.disableVerticalSwipes?.();
  webApp.onEvent("themeChanged", () => { applyTheme(); onThemeChange?.(); });
  webApp.onEvent("viewportChanged", applyViewport);
}

export const haptic = {
  tap() { if (supports("6.1")) webApp.HapticFeedback.impactOccurred("light"); },
  lift() { if (supports("6.1")) webApp.HapticFeedback.impactOccurred("medium"); },
  tick() { if (supports("6.1")) webApp.HapticFeedback.selectionChanged(); },
  done() { if (supports("6.1")) webApp.HapticFeedback.notificationOccurred("success"); },
  fail() { if (supports("6.1")) webApp.HapticFeedback.notificationOccurred("error"); },
};

// One action on Telegram's MainButton at a time (Render, or Save while a scene is open).
let mainAction = null;

export function hasMainButton() {
  return Boolean(webApp?.MainButton) && supports("6.0");
}

export function setMainButton(text, action) {
  if (!hasMainButton()) return;
  const button = webApp.MainButton;
  if (mainAction) button.offClick(mainAction);
  mainAction = action;
  button.setText(text);
  button.onClick(action);
  button.enable();
  button.show();
}

export function mainButtonBusy(busy) {
  if (!hasMainButton()) return;
  if (busy) webApp.MainButton.showProgress(false);
  else webApp.MainButton.hideProgress();
}

let backAction = null;

export function setBackButton(action) {
  if (!webApp?.BackButton || !supports("6.1")) return;
  if (backAction) webApp.BackButton.offClick(backAction);
  backAction = action;
  if (action) {
    webApp.BackButton.onClick(action);
    webApp.BackButton.show();
  } else {
    webApp.BackButton.hide();
  }
}
