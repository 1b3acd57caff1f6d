// The sheet that opens on a tapped scene: idea, caption, camera move, transition, framing,
// length.
import { clock, format, stepEnd } from "./snapping.js";
import { haptic, hasMainButton, setBackButton, setMainButton } from "./telegram.js";

const $ = (id) => document.getElementById(id);

export class SceneEditor {
  constructor(onSave, onClose) {
    this.onSave = onSave; // (edits) => Promise<boolean>
    this.onClose = onClose;
    this.sheet = $("sheet");
    this.backdrop = $("sheet-backdrop");
    this.sheet.addEventListener("submit", (event) => { event.preventDefault(); this.save(); });
    this.backdrop.addEventListener("click", () => this.close());
    $("shorter").addEventListener("click", () => this.#step(-1));
    $("longer").addEventListener("click", () => this.#step(1));
    $("length-auto").addEventListener("click", () => {
      this.length = { seconds: null, beats: null };
      haptic.tick();
      this.#showLength();
    });
  }

  isOpen() {
    return !this.sheet.hidden;
  }

  open(board, index, labels) {
    this.board = board;
    this.index = index;
    this.labels = labels;
    const scene = board.scenes[index];
    this.scene = scene;
    this.length = { seconds: scene.seconds, beats: null, unchanged: true };
    $("sheet-title").textContent = format(labels.edit_title, { number: scene.number });
    $("sheet-times").textContent = `${clock(scene.start)}–${clock(scene.start + scene.seconds)}`;
    $("label-idea").textContent = labels.idea;
    $("label-caption").textContent = labels.caption;
    $("label-camera").textContent = labels.camera;
    $("label-transition").textContent = labels.transition_label;
    $("label-fit").textContent = labels.framing;
    $("label-length").textContent = labels.length;
    $("length-auto").textContent = labels.length_reset;
    $("field-idea").value = scene.idea;
    $("field-caption").value = scene.caption === scene.idea ? "" : scene.caption;
    $("field-caption").placeholder = labels.caption_hint;
    fill($("field-motion"), board.motions, scene.motion, (m) => labels[`motion.${m}`] ?? m);
    fill($("field-transition"), board.transitions, scene.transition,
      (tr) => labels[`transition.${tr}`] ?? tr);
    fill($("field-fit"), board.fits, scene.fit, (f) => labels[`fit_${f}`] ?? f);
    const canStep = board.song ? index + 1 < board.scenes.length : true;
    $("shorter").disabled = !canStep;
    $("longer").disabled = !canStep;
    $("length-auto").hidden = scene.wished === null;
    this.#showLength();
    $("sheet-save").textContent = labels.save;
    $("sheet-save").hidden = hasMainButton();
    this.sheet.hidden = false;
    this.backdrop.hidden = false;
    setBackButton(() => this.close());
    setMainButton(labels.save, () => this.save());
    haptic.tap();
  }

  close() {
    if (!this.isOpen()) return;
    this.sheet.hidden = true;
    this.backdrop.hidden = true;
    document.activeElement?.blur?.();
    setBackButton(null);
    this.onClose();
  }

  edits() {
    const scene = this.scene;
    const id = scene.id;
    const edits = [];
    const idea = $("field-idea").value.trim();
    const caption = $("field-caption").value.trim();
    if (idea && idea !== scene.idea) edits.push({ kind: "idea", scene_id: id, text: idea });
    const oldCaption = scene.caption === scene.idea ? "" : scene.caption;
    if (caption !== oldCaption) edits.push({ kind: "caption", scene_id: id, text: caption || idea });
    const motion = $("field-motion").value;
    if (motion !== scene.motion) edits.push({ kind: "motion", scene_id: id, motion });
    const transition = $("field-transition").value;
    if (transition !== scene.transition) edits.push({ kind: "transition", scene_id: id, transition });
    const fit = $("field-fit").value;
    if (fit !== scene.fit) edits.push({ kind: "fit", scene_id: id, fit });
    if (!this.length.unchanged) {
      edits.push({ kind: "length", scene_id: id, seconds: this.length.seconds });
    }
    return edits;
  }

  async save() {
    const edits = this.edits();
    if (!edits.length) { this.close(); return; }
    if (await this.onSave(edits)) this.close();
  }

  #step(direction) {
    const shown = { ...this.scene, seconds: this.length.seconds ?? this.scene.seconds };
    const board = { ...this.board, scenes: this.board.scenes.map((s, i) => (i === this.index ? shown : s)) };
    const found = stepEnd(board, this.index, direction);
    if (!found || Math.abs(found.seconds - shown.seconds) < 1e-3) { haptic.fail(); return; }
    this.length = { seconds: found.seconds, beats: found.beats };
    haptic.tick();
    this.#showLength();
  }

  #showLength() {
    const { seconds, beats } = this.length;
    const labels = this.labels;
    $("length-value").textContent = seconds === null
      ? labels.length_auto
      : format(labels.seconds, { seconds: seconds.toFixed(1) })
        + (beats ? ` · ${format(labels.beats, { beats })}` : "");
  }
}

function fill(select, values, chosen, name) {
  select.replaceChildren(...values.map((value) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = name(value);
    option.selected = value === chosen;
    return option;
  }));
}
