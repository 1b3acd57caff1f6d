"""A stand-in for https://telegram.org/js/telegram-web-app.js, as a Telegram client would run
the page: signed initData, theme parameters, and the buttons and haptics the page uses, each
call recorded in `window.__telegram` so a test can read (and press) them."""

from __future__ import annotations

import json

LIGHT_THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f1f1f4",
    "section_bg_color": "#ffffff",
    "accent_text_color": "#2481cc",
    "destructive_text_color": "#e53935",
}
DARK_THEME = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
    "section_bg_color": "#17212b",
    "accent_text_color": "#6ab2f2",
    "destructive_text_color": "#ec3942",
}

_STUB = """
(() => {
  const config = %(config)s;
  const calls = [];
  const events = {};
  const record = (...call) => { calls.push(call); };
  const makeButton = (name) => {
    let handlers = [];
    const button = {
      text: "", isVisible: false, isActive: true, isProgressVisible: false,
      setText(text) { button.text = text; record(name + ".setText", text); return button; },
      setParams(params) { if (params.text) button.text = params.text; return button; },
      onClick(fn) { handlers.push(fn); return button; },
      offClick(fn) { handlers = handlers.filter((h) => h !== fn); return button; },
      show() { button.isVisible = true; record(name + ".show"); return button; },
      hide() { button.isVisible = false; record(name + ".hide"); return button; },
      enable() { button.isActive = true; return button; },
      disable() { button.isActive = false; return button; },
      showProgress() { button.isProgressVisible = true; return button; },
      hideProgress() { button.isProgressVisible = false; return button; },
      press() { record(name + ".press"); handlers.forEach((fn) => fn()); },
    };
    return button;
  };
  const root = document.documentElement.style;
  for (const [key, value] of Object.entries(config.themeParams)) {
    root.setProperty("--tg-theme-" + key.replaceAll("_", "-"), value);
  }
  root.setProperty("--tg-viewport-stable-height", window.innerHeight + "px");
  const newer = (wanted) => {
    const [a, b] = config.version.split(".").map(Number);
    const [c, d] = wanted.split(".").map(Number);
    return a > c || (a === c && b >= d);
  };
  window.__telegram = { calls, events };
  window.Telegram = {
    WebApp: {
      initData: config.initData,
      initDataUnsafe: config.initDataUnsafe,
      version: config.version,
      platform: "android",
      colorScheme: config.colorScheme,
      themeParams: config.themeParams,
      isExpanded: false,
      viewportHeight: window.innerHeight,
      viewportStableHeight: window.innerHeight,
      isVersionAtLeast: newer,
      ready() { record("ready"); },
      expand() { this.isExpanded = true; record("expand"); },
      close() { record("close"); },
      disableVerticalSwipes() { record("disableVerticalSwipes"); },
      setHeaderColor(color) { record("setHeaderColor", color); },
      setBackgroundColor(color) { record("setBackgroundColor", color); },
      onEvent(name, fn) { (events[name] ??= []).push(fn); },
      offEvent(name, fn) { events[name] = (events[name] ?? []).filter((h) => h !== fn); },
      showAlert(message, done) { record("showAlert", message); done?.(); },
      MainButton: makeButton("MainButton"),
      BackButton: makeButton("BackButton"),
      HapticFeedback: {
        impactOccurred(style) { record("haptic.impact", style); },
        notificationOccurred(kind) { record("haptic.notification", kind); },
        selectionChanged() { record("haptic.selection"); },
      },
    },
  };
})();
"""


def telegram_stub(
    init_data: str, user: dict[str, object], dark: bool = False, start_param: str | None = None
) -> str:
    """The stub script for a user, with Telegram's light or dark theme (and the `startapp`
    argument of a direct link, when opened by one)."""
    unsafe: dict[str, object] = {"user": user}
    if start_param is not None:
        unsafe["start_param"] = start_param
    config = {
        "initData": init_data,
        "initDataUnsafe": unsafe,
        "version": "8.0",
        "colorScheme": "dark" if dark else "light",
        "themeParams": DARK_THEME if dark else LIGHT_THEME,
    }
    return _STUB % {"config": json.dumps(config, ensure_ascii=False)}
