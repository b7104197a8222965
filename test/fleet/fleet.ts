import type { PlatformProxy, Slot } from "./haproxy";
import type { Machine, Release } from "./releases";
import type { Figures } from "./traffic";

/** How one machine replacement went, in milliseconds from the SIGTERM to the old machine. */
export interface Replacement {
  slot: string;
  from: string;
  to: string;
  /** SIGTERM (the platform's stop command) until the proxy stopped routing to the old machine. */
  leftRotation: number;
  /** SIGTERM until the old machine exited (after draining). */
  exited: number;
  exitCode: number;
  /** Start of the new machine until the proxy routed to it. */
  joinedRotation: number;
  /** SIGTERM until the new machine was in rotation: the whole replacement. */
  total: number;
  /** Everything the new machine printed while starting. */
  startLog: string;
}

/**
 * Machines in the proxy's slots, replaced the way a rolling deploy does: one at a time, the next
 * only once the new machine has passed its check and joined the rotation.
 */
export const createFleet = (proxy: PlatformProxy, env: Record<string, string>) => {
  const machines = new Map<string, { release: Release; machine: Machine }>();
  const replacements: Replacement[] = [];

  const start = async (slot: Slot, release: Release) => {
    const started = performance.now();
    const machine = await release.start(slot, env);
    machines.set(slot.name, { release, machine });
    return { machine, joinedRotation: (await proxy.until(slot, true)) - started };
  };

  const replace = async (slot: Slot, release: Release) => {
    const old = machines.get(slot.name);
    if (!old) throw new Error(`no machine in ${slot.name}`);
    const signalled = performance.now();
    const exit = old.machine.stop().then((code) => ({ code, at: performance.now() }));
    const left = await proxy.until(slot, false);
    const { code, at } = await exit;
    if (code !== 0) throw new Error(`${slot.name} (${old.release.name}) exited ${code}:\n${await old.machine.logs()}`);
    const { machine, joinedRotation } = await start(slot, release);
    const replacement: Replacement = {
      slot: slot.name,
      from: old.release.name,
      to: release.name,
      leftRotation: left - signalled,
      exited: at - signalled,
      exitCode: code,
      joinedRotation,
      total: performance.now() - signalled,
      startLog: await machine.logs(),
    };
    replacements.push(replacement);
    return replacement;
  };

  return { machines, replacements, start, replace };
};

const ms = (value: number) => `${Math.round(value)} ms`;

/** The figures a run reports: what the client saw, and each replacement's timings. */
export const formatFigures = (title: string, figures: Figures, replacements: Replacement[] = []) =>
  [
    `${title}:`,
    `  requests ${figures.requests}, failed ${figures.failed}, unexpected non-2xx ${figures.unexpected.length}, ` +
      `client-caused 409 ${figures.clientCaused}, acknowledged writes ${figures.acknowledged.size}, reads ${figures.reads}`,
    ...replacements.map(
      (r) =>
        `  ${r.slot} ${r.from} -> ${r.to}: SIGTERM -> left rotation ${ms(r.leftRotation)}, -> exit ${r.exitCode} ` +
        `${ms(r.exited)}; start -> joined rotation ${ms(r.joinedRotation)}; replacement ${ms(r.total)}`,
    ),
  ].join("\n");
