// One WebSocket per page (docs/websocket-protocol.md). It reconnects by itself with backoff;
// the server's `hello` after every connect carries the whole state, so nothing is replayed here.

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 10_000;
// The server closes anonymous sockets with 4403: retrying cannot help until the student logs in.
const CLOSE_NOT_SIGNED_IN = 4403;

export class WorkspaceSocket extends EventTarget {
  constructor(path) {
    super();
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = `${scheme}//${location.host}${path}`;
    this.retryMs = FIRST_RETRY_MS;
    this.retryTimer = null;
    this.socket = null;
    this.signedOut = false;
    // A lab PC that gets its network back should not wait out a 10 s backoff.
    window.addEventListener("online", () => this.retryNow());
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => this.dropped(socket, event.code));
  }

  receive(raw) {
    let message;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (message.type === "hello") {
      this.retryMs = FIRST_RETRY_MS;
      this.emit("up");
    }
    this.emit("message", message);
  }

  dropped(socket, code) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.signedOut = code === CLOSE_NOT_SIGNED_IN;
    this.emit("down");
    if (this.signedOut) return;
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
  }

  retryNow() {
    if (this.retryTimer !== null) this.connect();
  }

  send(message) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
