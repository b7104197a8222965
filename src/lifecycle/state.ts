/** Where the process is: `serving` between startup and the first shutdown signal. */
export type Phase = "starting" | "serving" | "draining";

/** A named piece of cleanup that runs after the listeners drained. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

/**
 * The process's place in its life, as the probes report it: started once migrations and the
 * first database round trip are done, draining from the first shutdown signal on. It also holds
 * the ordered cleanup that shutdown runs after the drain.
 *
 * @example
 * const lifecycle = createLifecycle();
 * lifecycle.onShutdown("close database", () => db.close());
 * lifecycle.markStarted();
 */
export const createLifecycle = ({ started = false }: { started?: boolean } = {}) => {
  let isStarted = started;
  let isDraining = false;
  const steps: ShutdownStep[] = [];
  return {
    /** Wall-clock time this service was created, for `uptime`. */
    bootedAt: Date.now(),
    get started() {
      return isStarted;
    },
    get draining() {
      return isDraining;
    },
    get phase(): Phase {
      return isDraining ? "draining" : isStarted ? "serving" : "starting";
    },
    /** Startup is done: `/startupz` turns 200. */
    markStarted() {
      isStarted = true;
    },
    /** Shutdown began: `/readyz` and `/health` turn 503 at once, `/livez` stays 200. */
    beginDraining() {
      isDraining = true;
    },
    /** Adds a cleanup step; steps run in the order they were added, after the drain. */
    onShutdown(name: string, run: ShutdownStep["run"]) {
      steps.push({ name, run });
    },
    /** The cleanup steps in their running order. */
    shutdownSteps(): readonly ShutdownStep[] {
      return [...steps];
    },
  };
};

export type Lifecycle = ReturnType<typeof createLifecycle>;
