// A request the busy tutor declined (finish_reason "declined"; see "When the tutor is busy" in
// README.md): what the student is told, and the choice to wait for the model anyway.

export function busyOffer(request) {
  if (!request || request.finish_reason !== "declined" || request.kind === "complete") return null;
  const seconds =
    Number.isFinite(request.busy_seconds) && request.busy_seconds > 0 ? request.busy_seconds : null;
  return {
    text: seconds
      ? `The tutor is busy: an answer would take about ${seconds} s.`
      : "The tutor is busy right now.",
    buttonLabel: "Wait for the tutor's answer",
    // A declined hint's reply repeats the instructor's hint, which is already shown above it.
    showReply: !request.authored_hint,
  };
}

// The same help again, queued even though the tutor is busy: the declined request itself goes
// back in line (one request, one row in the AI log), so the answer replaces the busy notice.
export function waitingHelp(message, declinedId) {
  return { ...message, wait: true, declined_id: declinedId };
}
