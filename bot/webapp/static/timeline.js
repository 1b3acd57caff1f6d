// The horizontal timeline: sections, waveform, beat grid, scenes and the playhead.
import Sortable from "./vendor/sortable-1.15.7.esm.js";
import { haptic } from "./telegram.js";
import { endRange, format, sceneAt, snapEnd } from "./snapping.js";

const BEATS_PER_BAR = 4;
const TAP_SLOP_PX = 6;
const COMPACT_PX = 76; // narrower scenes show their number and idea only

export class Timeline {
  constructor(elements, handlers) {
    this.el = elements; // { timeline, track, sections, wave, grid, scenes, closing, playhead, dragLabel }
    this.on = handlers; // { move(sceneId, position), resize(sceneId, seconds), tap(index), seek(time) }
    this.board = null;
    this.pps = 40;
    this.current = -1;
    this.busy = false;
    this.sortable = Sortable.create(this.el.scenes, {
      animation: 160,
      direction: "horizontal",
      draggable: ".scene",
      filter: ".edge",
      preventOnFilter: false,
      // Touch: a long press lifts a scene, a swipe scrolls the timeline.
      delay: 220,
      delayOnTouchOnly: true,
      touchStartThreshold: 6,
      forceFallback: true,
      fallbackTolerance: 4,
      ghostClass: "ghost",
      chosenClass: "chosen",
      dragClass: "dragging",
      scroll: this.el.timeline,
      scrollSensitivity: 60,
      scrollSpeed: 14,
      bubbleScroll: false,
      onChoose: () => haptic.lift(),
      onStart: () => { this.dragging = true; },
      onChange: () => haptic.tick(),
      onEnd: (event) => {
        setTimeout(() => { this.dragging = false; }, 0);
        if (event.oldIndex === event.newIndex || this.busy) {
          if (this.busy) this.render(this.board, this.pps);
          return;
        }
        const id = Number(event.item.dataset.id);
        this.on.move(id, event.newIndex + 1);
      },
    });
    this.el.scenes.addEventListener("click", (event) => this.#tapped(event));
    this.el.wave.addEventListener("click", (event) => this.#seekAt(event));
    this.el.sections.addEventListener("click", (event) => this.#seekAt(event));
  }

  setBusy(busy) {
    this.busy = busy;
    this.sortable.option("disabled", busy);
  }

  width() {
    return Math.max(1, Math.round((this.board?.duration ?? 0) * this.pps));
  }

  x(time) {
    return time * this.pps;
  }

  render(board, pps, thumbnails, labels) {
    this.board = board;
    this.pps = pps;
    if (thumbnails) this.thumbnails = thumbnails;
    if (labels) this.labels = labels;
    const width = this.width();
    this.el.track.style.width = `${width}px`;
    this.el.wave.style.width = `${width}px`;
    this.el.grid.style.width = `${width}px`;
    this.#drawSections();
    this.#drawGrid();
    this.#drawScenes();
    this.#drawClosing();
    this.current = -1;
  }

  // The credits card the video ends with: shown where it plays, not to be dragged.
  #drawClosing() {
    const card = this.el.closing;
    const closing = this.board.closing;
    card.hidden = !closing;
    if (!closing) return;
    card.style.left = `${this.x(closing.start)}px`;
    card.style.width = `${Math.max(1, this.x(closing.seconds))}px`;
    card.textContent = this.labels?.credits_card ?? "Credits";
  }

  refreshThumbnail(sceneId, url) {
    const item = this.el.scenes.querySelector(`[data-id="${sceneId}"]`);
    if (item && url) item.style.backgroundImage = `url("${url}")`;
  }

  #drawSections() {
    const box = this.el.sections;
    box.replaceChildren();
    for (const section of this.board.song?.sections ?? []) {
      const tag = document.createElement("span");
      tag.className = "section";
      tag.textContent = section.label;
      tag.style.left = `${this.x(section.start)}px`;
      tag.style.width = `${Math.max(2, this.x(section.seconds) - 2)}px`;
      box.append(tag);
    }
  }

  #drawGrid() {
    const grid = this.el.grid;
    grid.replaceChildren();
    const beats = this.board.song?.beats ?? [];
    // Below ~6 px between beats the grid is noise: draw bars only.
    const period = beats.length > 1 ? (beats.at(-1) - beats[0]) / (beats.length - 1) : 0;
    const barsOnly = period * this.pps < 6;
    const fragment = document.createDocumentFragment();
    const downbeat = this.board.song?.downbeat ?? 0; // the first beat that starts a bar
    beats.forEach((beat, index) => {
      const bar = (index - downbeat) % BEATS_PER_BAR === 0;
      if (barsOnly && !bar) return;
      const line = document.createElement("i");
      line.className = bar ? "beat bar" : "beat";
      line.style.left = `${this.x(beat)}px`;
      fragment.append(line);
    });
    grid.append(fragment);
  }

  #drawScenes() {
    const list = this.el.scenes;
    const labels = this.labels ?? {};
    list.replaceChildren();
    this.board.scenes.forEach((scene, index) => {
      const item = document.createElement("li");
      item.className = "scene";
      item.dataset.id = String(scene.id);
      item.dataset.number = String(scene.number);
      const width = Math.max(1, this.x(scene.seconds));
      item.style.width = `${width}px`;
      item.classList.toggle("compact", width < COMPACT_PX);
      const url = this.thumbnails?.(scene);
      if (url) item.style.backgroundImage = `url("${url}")`;
      item.setAttribute("aria-label", `${format(labels.scene, { number: scene.number })}: ${scene.idea}`);
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(scene.number);
      const seconds = document.createElement("span");
      seconds.className = "secs";
      seconds.textContent = `${scene.seconds.toFixed(1)}s`;
      const idea = document.createElement("p");
      idea.className = "idea";
      idea.textContent = scene.caption || scene.idea;
      item.append(badge, seconds, idea);
      if (endRange(this.board, index)) item.append(this.#edge(index));
      list.append(item);
    });
  }

  #edge(index) {
    const edge = document.createElement("span");
    edge.className = "edge";
    edge.setAttribute("role", "slider");
    edge.setAttribute("aria-label", this.labels?.length ?? "Length");
    edge.addEventListener("pointerdown", (event) => this.#resize(event, index, edge));
    edge.addEventListener("click", (event) => event.stopPropagation());
    return edge;
  }

  #resize(event, index, edge) {
    if (this.busy) return;
    event.preventDefault();
    event.stopPropagation();
    const item = edge.parentElement;
    const scene = this.board.scenes[index];
    const next = item.nextElementSibling;
    const startX = event.clientX;
    const startWidth = this.x(scene.seconds);
    const pairWidth = next ? startWidth + next.getBoundingClientRect().width : 0;
    let snapped = { end: scene.start + scene.seconds, seconds: scene.seconds, beats: null };
    edge.setPointerCapture(event.pointerId);
    item.classList.add("resizing");
    haptic.lift();
    const label = this.el.dragLabel;
    const show = () => {
      const width = this.x(snapped.seconds);
      item.style.width = `${width}px`;
      if (this.board.song && next) next.style.width = `${Math.max(1, pairWidth - width)}px`;
      label.hidden = false;
      label.style.left = `${this.x(snapped.end)}px`;
      const seconds = format(this.labels?.seconds, { seconds: snapped.seconds.toFixed(1) });
      label.textContent = snapped.beats
        ? `${seconds} · ${format(this.labels?.beats, { beats: snapped.beats })}` : seconds;
    };
    show();
    const moved = (move) => {
      const raw = scene.start + (startWidth + move.clientX - startX) / this.pps;
      const found = snapEnd(this.board, index, raw);
      if (found && Math.abs(found.end - snapped.end) > 1e-6) {
        snapped = found;
        haptic.tick();
        show();
      }
    };
    const done = () => {
      edge.removeEventListener("pointermove", moved);
      edge.removeEventListener("pointerup", done);
      edge.removeEventListener("pointercancel", done);
      item.classList.remove("resizing");
      label.hidden = true;
      if (Math.abs(snapped.seconds - scene.seconds) > 1e-3) this.on.resize(scene.id, snapped.seconds);
      else this.render(this.board, this.pps);
    };
    edge.addEventListener("pointermove", moved);
    edge.addEventListener("pointerup", done);
    edge.addEventListener("pointercancel", done);
  }

  #tapped(event) {
    if (this.dragging || event.target.closest(".edge")) return;
    const item = event.target.closest(".scene");
    if (!item) return;
    const index = [...this.el.scenes.children].indexOf(item);
    if (index >= 0) this.on.tap(index);
  }

  #seekAt(event) {
    const box = this.el.track.getBoundingClientRect();
    if (Math.abs(event.movementX) > TAP_SLOP_PX) return;
    this.on.seek(Math.max(0, (event.clientX - box.left) / this.pps));
  }

  // Move the playhead; the scene under it is highlighted. Returns that scene's index.
  setPlayhead(time, follow) {
    if (!this.board) return -1;
    this.el.playhead.style.transform = `translateX(${this.x(time)}px)`;
    const index = sceneAt(this.board, time);
    if (index !== this.current) {
      this.el.scenes.querySelector(".scene.current")?.classList.remove("current");
      this.el.scenes.children[index]?.classList.add("current");
      this.current = index;
    }
    if (follow) this.#follow(time);
    return index;
  }

  #follow(time) {
    const view = this.el.timeline;
    const x = this.x(time);
    const left = view.scrollLeft;
    if (x < left || x > left + view.clientWidth * 0.7) {
      view.scrollLeft = Math.max(0, x - view.clientWidth * 0.3);
    }
  }
}
