// Plays the song under the playhead (the stills follow it; nothing is rendered), or, with no
// song, a silent clock over the scenes' lengths.
import WaveSurfer from "./vendor/wavesurfer-8.0.1.esm.js";

function cssColor(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export class Player {
  constructor(waveElement, onTime, onState) {
    this.waveElement = waveElement;
    this.onTime = onTime;
    this.onState = onState;
    this.audio = null;
    this.wave = null;
    this.duration = 0;
    this.clockStart = null;
    this.clockOffset = 0;
    this.frame = null;
  }

  // The song as a blob (fetched with initData), its peaks, and the timeline's scale.
  loadSong(blob, peaks, duration, pps) {
    this.destroySong();
    this.duration = duration;
    this.audio = new Audio();
    this.audio.preload = "auto";
    this.audio.src = URL.createObjectURL(blob);
    this.audio.addEventListener("play", () => this.#playing(true));
    this.audio.addEventListener("pause", () => this.#playing(false));
    this.audio.addEventListener("ended", () => this.#playing(false));
    this.wave = WaveSurfer.create({
      container: this.waveElement,
      height: 56,
      media: this.audio,
      peaks: [peaks],
      duration,
      minPxPerSec: pps,
      fillParent: false,
      interact: false,
      hideScrollbar: true,
      autoScroll: false,
      autoCenter: false,
      cursorWidth: 0,
      barWidth: 2,
      barGap: 1,
      barRadius: 1,
      normalize: true,
      waveColor: cssColor("--tg-theme-hint-color", "#9aa0a6"),
      progressColor: cssColor("--tg-theme-button-color", "#2481cc"),
    });
  }

  recolour() {
    this.wave?.setOptions({
      waveColor: cssColor("--tg-theme-hint-color", "#9aa0a6"),
      progressColor: cssColor("--tg-theme-button-color", "#2481cc"),
    });
  }

  setDuration(duration) {
    if (!this.audio) this.duration = duration;
  }

  zoom(pps) {
    this.wave?.zoom(pps);
  }

  destroySong() {
    this.pause();
    this.wave?.destroy();
    if (this.audio?.src) URL.revokeObjectURL(this.audio.src);
    this.wave = null;
    this.audio = null;
  }

  time() {
    if (this.audio) return this.audio.currentTime;
    if (this.clockStart === null) return this.clockOffset;
    return this.clockOffset + (performance.now() - this.clockStart) / 1000;
  }

  playing() {
    return this.audio ? !this.audio.paused : this.clockStart !== null;
  }

  async toggle() {
    if (this.playing()) this.pause();
    else await this.play();
  }

  async play() {
    if (this.time() >= this.duration - 0.05) this.seek(0);
    if (this.audio) {
      await this.audio.play();
    } else {
      this.clockStart = performance.now();
      this.#playing(true);
    }
  }

  pause() {
    if (this.audio) {
      this.audio.pause();
    } else if (this.clockStart !== null) {
      this.clockOffset = this.time();
      this.clockStart = null;
      this.#playing(false);
    }
  }

  seek(time) {
    const clamped = Math.max(0, Math.min(this.duration, time));
    if (this.audio) this.audio.currentTime = clamped;
    else {
      this.clockOffset = clamped;
      if (this.clockStart !== null) this.clockStart = performance.now();
    }
    this.onTime(clamped, false);
  }

  #playing(on) {
    this.onState(on);
    cancelAnimationFrame(this.frame);
    if (!on) return;
    const step = () => {
      const now = this.time();
      if (!this.audio && now >= this.duration) {
        this.pause();
        this.seek(this.duration);
        return;
      }
      this.onTime(now, true);
      this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }
}
