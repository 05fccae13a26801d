// The steps of a traced test (TestResult.evidence.steps), walked forward and back. Pure logic,
// no DOM: the view (trace-view.js) renders what this says. Steps come from the student's
// sandbox: every field is checked before use and shown as text only.

const EVENTS = new Set(["line", "return", "exception", "call"]);

export function usableSteps(evidence) {
  const steps = Array.isArray(evidence?.steps) ? evidence.steps : [];
  return steps.filter(
    (step) => step && Number.isInteger(step.line) && step.line > 0 && EVENTS.has(step.event),
  );
}

// What happens at this step, in words.
export function describeStep(step) {
  const where = `line ${step.line}`;
  const inFunction = typeof step.function === "string" ? ` in ${step.function}()` : "";
  if (step.event === "return") return `${where}${inFunction} returns ${step.value ?? "None"}`;
  if (step.event === "exception") return `${where}${inFunction} raises ${step.value ?? "an exception"}`;
  if (step.event === "call") return `${where}: ${step.function ?? "a function"}() is called`;
  return `${where}${inFunction} is about to run`;
}

// [name, value] pairs of the variables at this step, in the order recorded.
export function variablesOf(step) {
  const locals = step?.locals && typeof step.locals === "object" ? step.locals : {};
  return Object.entries(locals).filter(([, value]) => typeof value === "string");
}

// Names whose value differs from the previous step (or that are new): shown as changed.
export function changedNames(previous, step) {
  const before = new Map(variablesOf(previous));
  return new Set(
    variablesOf(step)
      .filter(([name, value]) => before.get(name) !== value)
      .map(([name]) => name),
  );
}

export class StepCursor {
  constructor(steps) {
    this.steps = steps;
    this.index = 0;
  }

  get current() {
    return this.steps[this.index];
  }

  get previous() {
    return this.index > 0 ? this.steps[this.index - 1] : null;
  }

  get atStart() {
    return this.index === 0;
  }

  get atEnd() {
    return this.index >= this.steps.length - 1;
  }

  move(by) {
    this.index = Math.min(Math.max(this.index + by, 0), Math.max(this.steps.length - 1, 0));
    return this.current;
  }

  goTo(index) {
    return this.move(index - this.index);
  }
}
