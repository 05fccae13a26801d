// An answer served from one written before for the same failure (`shared`: "model", "ahead")
// or an instructor's hint to the student's group ("teacher"); see "Each common mistake answered
// once" in README.md: what the student is told, and the choice to ask for a fresh answer.

const SHARED_TEXTS = {
  model: "A shared answer: first written for a classmate whose code failed the same way.",
  ahead: "A shared answer: prepared for this mistake before anyone asked.",
  teacher: "From your instructor, for everyone whose code fails this way.",
};

export function sharedNote(request) {
  if (!request || !request.shared) return null;
  return {
    text: SHARED_TEXTS[request.shared] || SHARED_TEXTS.model,
    // The model may still write one of its own; the instructor's word stands as it is.
    buttonLabel: request.shared === "teacher" ? null : "Ask for a fresh answer",
  };
}

// The same help again, answered by the model even though a shared answer exists.
export function freshHelp(message) {
  return { ...message, fresh: true };
}
