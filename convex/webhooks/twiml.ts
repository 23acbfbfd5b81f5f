/** A TwiML messaging response, with an optional reply message (XML-escaped). */
export function twiml(reply?: string): string {
  const body = reply
    ? `<Message>${reply.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!)}</Message>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}
