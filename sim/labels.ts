/**
 * Choice labels. Every `choose` call names what it decides with a label, so that a replay that
 * meets a different decision than the one recorded reports the first divergence instead of
 * silently running something else. Labels are interned to small integers at module load: the hot
 * loop passes numbers, and names are looked up only to write or read a replay file.
 */
const names: string[] = [];
const ids = new Map<string, number>();

/** A label id. */
export type Label = number;

/** Interns `name` and returns its id. Idempotent. */
export function label(name: string): Label {
  const known = ids.get(name);
  if (known !== undefined) return known;
  const id = names.length;
  names.push(name);
  ids.set(name, id);
  return id;
}

/** The name of a label id. */
export function labelName(id: Label): string {
  return names[id] ?? `label#${id}`;
}

/** The id of a label name, or undefined if no code registered it. */
export function labelId(name: string): Label | undefined {
  return ids.get(name);
}

/** The engine's own label: which of several simultaneously due events fires. */
export const L_TIE = label('engine.tie');
