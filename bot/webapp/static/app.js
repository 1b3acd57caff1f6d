// The timeline Mini App: loads the project, draws it, and sends each gesture as edits.
import { ApiError, getBlob, getJson, labelsFor, postJson } from "./api.js";
import { SceneEditor } from "./editor.js";
import { Player } from "./player.js";
import { clock, format } from "./snapping.js";
import * as telegram from "./telegram.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const MIN_SCENE_PX = 64;
const MIN_TAP_PX = 40;
const MAX_PPS = 160;
const ZOOM_STEP = 1.5;

const state = {
  board: null,
  labels: {},
  pps: 40,
  thumbnails: new Map(), // scene id -> { key, url }
  songKey: null,
  busy: false,
};

const timeline = new Timeline(
  {
    timeline: $("timeline"),
    track: $("track"),
    sections: $("sections"),
    wave: $("wave"),
    grid: $("grid"),
    scenes: $("scenes"),
    closing: $("closing"),
    playhead: $("playhead"),
    dragLabel: $("drag-label"),
  },
  {
    move: (sceneId, position) => send([{ kind: "move", scene_id: sceneId, position }]),
    resize: (sceneId, seconds) => send([{ kind: "length", scene_id: sceneId, seconds }]),
    tap: (index) => openScene(index),
    seek: (time) => player.seek(time),
  },
);

const player = new Player($("wave"), (time, playing) => showTime(time, playing), (playing) => {
  $("play-icon").setAttribute("d", playing ? "M6 5h4v14H6zM14 5h4v14h-4z" : "M8 5v14l11-7z");
  $("play").setAttribute("aria-label", playing ? state.labels.pause : state.labels.play);
});

const editor = new SceneEditor((edits) => send(edits), () => showRenderButton());

function say(text, failed = false) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { toast.hidden = true; }, failed ? 4200 : 2400);
}

function notice(text) {
  $("notice").textContent = text;
  $("notice").hidden = false;
  $("app").setAttribute("aria-busy", "false");
}

// Pixels per second: the song fills the screen's width at least, and the shortest scene
// stays wide enough to grab with a thumb.
function fittingScale(board) {
  const shortest = Math.min(...board.scenes.map((s) => s.seconds), 8);
  const filling = (innerWidth - 28) / Math.max(1, board.duration);
  return Math.min(MAX_PPS, Math.max(12, filling, MIN_SCENE_PX / shortest));
}

// After an edit, a scene that became too narrow to tap widens the view (never narrows it).
function tappableScale(board, pps) {
  const shortest = Math.min(...board.scenes.map((s) => s.seconds), 8);
  return shortest * pps >= MIN_TAP_PX ? pps : Math.min(MAX_PPS, MIN_TAP_PX / shortest);
}

function thumbnailOf(scene) {
  const known = state.thumbnails.get(scene.id);
  if (!scene.thumbnail) return null;
  if (known && known.key === scene.thumbnail) return known.url;
  loadThumbnail(scene);
  return known?.url ?? null;
}

async function loadThumbnail(scene) {
  const key = scene.thumbnail;
  state.thumbnails.set(scene.id, { key, url: state.thumbnails.get(scene.id)?.url ?? null });
  try {
    const blob = await getBlob(`scenes/${scene.id}/thumbnail?v=${encodeURIComponent(key)}`);
    const url = URL.createObjectURL(blob);
    state.thumbnails.set(scene.id, { key, url });
    timeline.refreshThumbnail(scene.id, url);
    if (timeline.current >= 0 && state.board.scenes[timeline.current]?.id === scene.id) {
      showMonitor(timeline.current);
    }
  } catch {
    state.thumbnails.delete(scene.id);
  }
}

function showHeader(board) {
  const labels = state.labels;
  $("title").textContent = board.project.title;
  const parts = [clock(board.duration), format(labels.scene_count, { count: board.scenes.length })];
  if (board.song?.tempo_bpm) parts.push(format(labels.song, { bpm: Math.round(board.song.tempo_bpm) }));
  if (!board.song) parts.push(format(labels.no_song, { seconds: board.seconds_without_song }));
  $("meta").textContent = parts.join(" · ");
  $("frame").className = `frame ratio-${board.project.aspect.replace(":", "x")}`;
  $("hint").textContent = !board.may_change
    ? labels.read_only
    : board.busy === "render" ? labels.busy_render : labels.hint;
}

function showMonitor(index) {
  const scene = state.board?.scenes[index];
  const still = $("still");
  if (!scene) {
    still.removeAttribute("src");
    $("monitor-caption").textContent = "";
    $("monitor-number").textContent = "";
    return;
  }
  const url = thumbnailOf(scene);
  if (url) still.src = url;
  else still.removeAttribute("src");
  $("monitor-number").textContent = String(scene.number);
  $("monitor-caption").textContent = scene.caption || scene.idea;
}

function showTime(time, playing) {
  const index = timeline.setPlayhead(time, playing);
  if (index !== showTime.index) {
    showTime.index = index;
    showMonitor(index);
  }
  $("clock").textContent = `${clock(time)} / ${clock(state.board?.duration ?? 0)}`;
}

function draw(board) {
  state.board = board;
  state.labels = { ...state.labels, ...board.labels };
  document.documentElement.lang = board.language;
  showHeader(board);
  $("notice").hidden = !!board.scenes.length;
  if (!board.scenes.length) notice(state.labels.empty);
  const pps = board.scenes.length ? tappableScale(board, state.pps) : state.pps;
  if (pps !== state.pps) {
    state.pps = pps;
    player.zoom(pps);
  }
  timeline.render(board, state.pps, thumbnailOf, state.labels);
  timeline.setBusy(!board.may_change); // a group member watches: nothing to drag
  $("scenes").classList.toggle("readonly", !board.may_change);
  player.setDuration(board.duration);
  showTime.index = undefined;
  showTime(Math.min(player.time(), board.duration), false);
  $("app").setAttribute("aria-busy", "false");
}

async function loadSong(board) {
  const key = board.song ? `${board.project.id}:${board.song.duration}` : null;
  if (key === state.songKey) return;
  state.songKey = key;
  if (!board.song) { player.destroySong(); return; }
  try {
    const [blob, wave] = await Promise.all([
      getBlob(`projects/${board.project.id}/song`),
      getJson(`projects/${board.project.id}/peaks`),
    ]);
    player.loadSong(blob, wave.peaks, wave.duration, state.pps);
  } catch (error) {
    console.warn("The song could not be loaded", error);
  }
}

async function send(edits) {
  if (state.busy || !state.board) return false;
  state.busy = true;
  timeline.setBusy(true);
  try {
    const board = await postJson(`projects/${state.board.project.id}/edits`, { edits });
    draw(board);
    telegram.haptic.done();
    say(state.labels.saved);
    return true;
  } catch (error) {
    telegram.haptic.fail();
    failed(error);
    if (error instanceof ApiError && error.status === 409) await reload();
    else if (state.board) draw(state.board); // put the dragged scene back
    return false;
  } finally {
    state.busy = false;
    timeline.setBusy(!state.board?.may_change);
  }
}

function failed(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) { notice(state.labels.unauthorized); return; }
    // A group's project a member may see but not change: say so and keep the board.
    if (error.code === "crew.not_your_call") { say(error.message, true); return; }
    if (error.status === 403) { notice(state.labels.forbidden); return; }
    say(error.message || state.labels.error, true);
    return;
  }
  say(state.labels.error, true);
}

function openScene(index) {
  player.pause();
  player.seek(state.board.scenes[index].start + 0.01);
  if (!state.board.may_change) { say(state.labels.read_only); return; }
  editor.open(state.board, index, state.labels);
}

async function render() {
  if (!state.board || state.busy) return;
  state.busy = true;
  telegram.mainButtonBusy(true);
  $("render").disabled = true;
  try {
    const answer = await postJson(`projects/${state.board.project.id}/render`, {});
    telegram.haptic.done();
    say(answer.message);
  } catch (error) {
    telegram.haptic.fail();
    failed(error);
  } finally {
    state.busy = false;
    telegram.mainButtonBusy(false);
    $("render").disabled = false;
  }
}

function showRenderButton() {
  const text = state.labels.render;
  if (!text || !state.board?.scenes.length || !state.board.may_change) return;
  if (telegram.hasMainButton()) {
    telegram.setMainButton(text, render);
  } else {
    $("render").textContent = text;
    $("render").hidden = false;
  }
}

function zoom(factor) {
  if (!state.board) return;
  const view = $("timeline");
  const centre = (view.scrollLeft + view.clientWidth / 2) / state.pps;
  state.pps = Math.min(MAX_PPS, Math.max(4, state.pps * factor));
  timeline.render(state.board, state.pps);
  player.zoom(state.pps);
  view.scrollLeft = centre * state.pps - view.clientWidth / 2;
  showTime.index = undefined;
  showTime(player.time(), false);
}

async function reload() {
  const wanted = new URLSearchParams(location.search).get("project") ?? telegram.startProject();
  const query = wanted && /^\d+$/.test(wanted) ? `?project=${wanted}` : "";
  const board = await getJson(`timeline${query}`);
  if (!state.board) state.pps = fittingScale(board);
  draw(board);
  await loadSong(board);
}

async function boot() {
  telegram.start(() => player.recolour());
  const language = telegram.userLanguage().split("-")[0].toLowerCase();
  state.labels = await labelsFor(language).catch(() => ({}));
  $("title").textContent = state.labels.title ?? "";
  $("meta").textContent = state.labels.loading ?? "";
  $("play").addEventListener("click", () => player.toggle());
  $("zoom-in").addEventListener("click", () => zoom(ZOOM_STEP));
  $("zoom-out").addEventListener("click", () => zoom(1 / ZOOM_STEP));
  $("render").addEventListener("click", render);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") editor.close();
  });
  if (!telegram.initData()) { notice(state.labels.unauthorized); return; }
  // Back from the chat (an Undo there, a new idea): show the project as it is now.
  const refresh = () => {
    if (document.visibilityState === "visible" && !state.busy && !editor.isOpen()) {
      reload().catch(failed);
    }
  };
  document.addEventListener("visibilitychange", refresh);
  telegram.tg?.onEvent?.("activated", refresh);
  try {
    await reload();
    showRenderButton();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notice(error.message || state.labels.no_project);
    else failed(error);
  }
}

boot();
