#!/usr/bin/env python3
"""A real SMTP server for the mail tests: `smtp_sink.py PORT DIR`.

Listens on 127.0.0.1:PORT (aiosmtpd, Debian's python3-aiosmtpd), accepts every mail and writes
each one to DIR as NNNN.json: the envelope, the decoded Subject and text body, a few headers, and
the raw message. Prints "ready" once it listens and runs until it is killed or stdin closes.
"""

import email
import email.policy
import json
import os
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def accept_any_login(server, session, envelope, mechanism, auth_data):
    """Accepts every login and remembers the user name (the password is not kept)."""
    if isinstance(auth_data, LoginPassword):
        return AuthResult(success=True, auth_data=auth_data.login.decode("utf-8", "replace"))
    return AuthResult(success=False, handled=False)


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(msg.get("From", "")),
            "to": str(msg.get("To", "")),
            "subject": str(msg.get("Subject", "")),
            "message_id": str(msg.get("Message-ID", "")),
            "date": str(msg.get("Date", "")),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset() or "",
            "body": body.get_content() if body is not None else "",
            "auth_login": session.auth_data if isinstance(session.auth_data, str) else "",
            "raw": raw.decode("utf-8", errors="replace"),
        }
        with self.lock:
            self.count += 1
            name = os.path.join(self.directory, "%04d.json" % self.count)
        tmp = name + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(tmp, name)  # readers never see half a file
        return "250 OK"


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(
        Sink(directory),
        hostname="127.0.0.1",
        port=port,
        enable_SMTPUTF8=True,
        # Loopback only: AUTH without TLS, so the tests see the configured login used.
        authenticator=accept_any_login,
        auth_require_tls=False,
    )
    controller.start()
    print("ready", flush=True)
    try:
        # The test kills us; should it die first, its end of stdin closes and we stop too.
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
