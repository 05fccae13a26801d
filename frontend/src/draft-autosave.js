// Autosave of the student's code as a draft: over the socket a second after typing stops and
// when the page is hidden; by sendBeacon when the page goes away while the socket is down.

const PAUSE_MS = 1000;

export class DraftAutosave {
  constructor({ code, send, expectReply, isOnline, statusElement, beaconUrl, csrfToken, savedCode }) {
    this.code = code;
    this.send = send;
    this.expectReply = expectReply;
    this.isOnline = isOnline;
    this.statusElement = statusElement;
    this.beaconUrl = beaconUrl;
    this.csrfToken = csrfToken;
    this.savedCode = savedCode;
    this.inFlight = []; // codes sent and not yet confirmed by `draft_saved`, oldest first
    this.timer = null;

    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.saveNow();
    });
    window.addEventListener("pagehide", () => this.pageHidden());
    this.showStatus();
  }

  get dirty() {
    return this.code() !== this.savedCode;
  }

  edited() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveNow(), PAUSE_MS);
    this.showStatus();
  }

  saveNow() {
    clearTimeout(this.timer);
    this.timer = null;
    const code = this.code();
    const alreadySent = this.inFlight.at(-1) === code;
    if (code !== this.savedCode && !alreadySent && this.send({ type: "draft", code })) {
      this.inFlight.push(code);
      this.expectReply({
        answers: (message) => message.type === "draft_saved",
        onAnswer: () => this.saved(code),
        onError: (text) => this.refused(code, text),
      });
    }
    this.showStatus();
  }

  saved(code) {
    this.inFlight = this.inFlight.filter((sent) => sent !== code);
    this.savedCode = code;
    this.showStatus();
  }

  // A refused draft (too long, say) is tried again at the next pause or page hide.
  refused(code, text) {
    this.inFlight = this.inFlight.filter((sent) => sent !== code);
    this.showStatus(`Not saved: ${text}`);
  }

  connected() {
    this.saveNow();
  }

  disconnected() {
    this.inFlight = [];
    this.showStatus();
  }

  // The socket may be down when the tab closes; a beacon still reaches the server then.
  // URL-encoded rather than FormData: multipart encoding turns every "\n" into "\r\n".
  pageHidden() {
    if (!this.dirty) return;
    if (this.isOnline()) {
      this.saveNow();
      return;
    }
    const form = new URLSearchParams({ code: this.code(), csrfmiddlewaretoken: this.csrfToken });
    navigator.sendBeacon(this.beaconUrl, form);
  }

  showStatus(refusal = null) {
    let state = "saved";
    let text = "Saved";
    if (refusal) [state, text] = ["refused", refusal];
    else if (this.dirty && this.isOnline()) [state, text] = ["saving", "Saving…"];
    else if (this.dirty) [state, text] = ["offline", "Offline – will save when back"];
    this.statusElement.textContent = text;
    this.statusElement.dataset.state = state;
  }
}
