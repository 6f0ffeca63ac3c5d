// The native stand-ins for mimetext's Babel runtime and js-base64 (wrangler.toml [alias]; vitest.config.ts
// applies the same swap, so mimetext below runs on them as in production).
import { createMimeMessage } from "mimetext/browser";
import { describe, expect, it } from "vitest";
import defineProperty from "./babel-define-property";
import trim from "./babel-instance-trim";

describe("Babel runtime shims", () => {
  it("defineProperty makes an own, writable, enumerable, configurable property, also over an inherited setter", () => {
    class Base {
      set name(_v: string) {
        throw new Error("the setter must not run");
      }
    }
    const o = defineProperty(new Base(), "name", "x");
    expect(Object.getOwnPropertyDescriptor(o, "name")).toEqual({ value: "x", writable: true, enumerable: true, configurable: true });
    const plain = defineProperty({} as Record<string, unknown>, "a", 1);
    expect(Object.getOwnPropertyDescriptor(plain, "a")).toEqual({ value: 1, writable: true, enumerable: true, configurable: true });
  });

  it("trim hands back the native String#trim", () => {
    const s = "  a b \n";
    expect(trim(s).call(s)).toBe("a b");
  });

  it("mimetext parses a 'Name <addr>' mailbox (its trim path) and writes the headers", () => {
    const msg = createMimeMessage();
    msg.setSender("  EdgeScore alerts <alerts@edgescore.example> ");
    msg.setRecipient("Ann <ann@example.com>");
    msg.setSubject("Hot lead");
    msg.addMessage({ contentType: "text/plain", data: "hello" });
    const raw = msg.asRaw();
    // The same lines as with the original runtime (names as RFC 2047 encoded words).
    expect(raw).toContain("\r\nFrom: =?utf-8?B?RWRnZVNjb3JlIGFsZXJ0cw==?= <alerts@edgescore.example>\r\n");
    expect(raw).toContain("\r\nTo: =?utf-8?B?QW5u?= <ann@example.com>\r\n");
  });
});
