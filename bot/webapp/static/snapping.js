// Where a dragged scene edge lands: on a beat of the song, else on a half second.
export const STEP_WITHOUT_SONG = 0.5;
export const MIN_SECONDS = 1;
export const MAX_SECONDS = 30;

export function beatPeriod(beats) {
  if (!beats || beats.length < 2) return null;
  const gaps = beats.slice(1).map((b, i) => b - beats[i]).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

// The range a scene's end may take: with a song, the cut rolls into the next scene, which
// keeps at least one beat; without one, the scene is 1-30 s long (the bot's own limits).
export function endRange(board, index) {
  const scene = board.scenes[index];
  if (board.song) {
    const next = board.scenes[index + 1];
    if (!next) return null;
    const keep = beatPeriod(board.song.beats) ?? 0.5;
    return { low: scene.start + keep, high: next.start + next.seconds - keep };
  }
  return { low: scene.start + MIN_SECONDS, high: scene.start + MAX_SECONDS };
}

// The snapped end for a raw end time: the nearest beat inside the range (or a half second).
export function snapEnd(board, index, rawEnd) {
  const range = endRange(board, index);
  if (!range) return null;
  const clamped = Math.min(range.high, Math.max(range.low, rawEnd));
  const scene = board.scenes[index];
  const beats = board.song?.beats ?? [];
  const inside = beats.filter((b) => b >= range.low - 1e-6 && b <= range.high + 1e-6);
  let end;
  if (inside.length) {
    end = inside.reduce((best, b) => (Math.abs(b - clamped) < Math.abs(best - clamped) ? b : best));
  } else {
    end = scene.start + Math.max(MIN_SECONDS,
      Math.round((clamped - scene.start) / STEP_WITHOUT_SONG) * STEP_WITHOUT_SONG);
  }
  const seconds = Math.round((end - scene.start) * 1000) / 1000;
  const beatCount = beats.filter((b) => b > scene.start + 1e-3 && b <= end + 1e-3).length;
  return { end, seconds, beats: inside.length ? beatCount : null };
}

// One step (a beat, or a half second) longer or shorter, for the editor's − and + buttons.
export function stepEnd(board, index, direction) {
  const scene = board.scenes[index];
  const period = beatPeriod(board.song?.beats) ?? STEP_WITHOUT_SONG;
  return snapEnd(board, index, scene.start + scene.seconds + direction * period);
}

// The scene under a time on the timeline.
export function sceneAt(board, time) {
  const scenes = board.scenes;
  for (let i = scenes.length - 1; i >= 0; i -= 1) {
    if (time >= scenes[i].start - 1e-6) return i;
  }
  return scenes.length ? 0 : -1;
}

export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function format(template, params) {
  return (template ?? "").replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? "…"));
}
