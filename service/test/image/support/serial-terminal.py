#!/usr/bin/python3
"""A scripted terminal on a QEMU serial console (a unix socket): the image test's hands on the
first-boot wizard. whiptail draws by moving the cursor and rewriting only what changed, so the
byte stream is fed to a terminal emulator (pyte, 80x24 as the guest's vt220) and each step waits
until the *screen* shows its text, then types its keys.

    serial-terminal.py SOCKET SCRIPT.json TRANSCRIPT

SCRIPT is a list of steps {"expect": text, "send": keys, "timeout": seconds?}. When the text a
step waits for was already on the screen the previous keys went to, the step waits for another
screen, so a dialog that is still showing is not mistaken for the next one (so two steps in a
row must not wait for the same text: the typing itself changes the screen). Prints one JSON line: {"ok": true,
"steps": n} or {"ok": false, "step": i, "expect": ..., "screen": ...}; exit code 0 or 1.
"""
import json
import socket
import sys
import time

import pexpect
import pexpect.fdpexpect
import pyte

COLUMNS, LINES = 80, 24


def connect(path, timeout):
    end = time.time() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.time() > end:
                raise
            time.sleep(0.5)


def main():
    sock_path, script_path, transcript_path = sys.argv[1:4]
    steps = json.load(open(script_path))
    sock = connect(sock_path, 120)
    term = pexpect.fdpexpect.fdspawn(sock.fileno(), timeout=1, encoding=None)
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.ByteStream(screen)
    transcript = open(transcript_path, "ab")

    def text():
        return "\n".join(screen.display)

    def pump(seconds):
        """Reads what the guest writes for up to `seconds` (less when it goes quiet)."""
        end = time.time() + seconds
        got = False
        while time.time() < end:
            try:
                data = term.read_nonblocking(65536, timeout=0.2)
            except pexpect.TIMEOUT:
                if got:
                    return
                continue
            except pexpect.EOF:
                raise SystemExit(report(False, step=-1, expect="(serial console closed)"))
            transcript.write(data)
            stream.feed(data)
            got = True

    def report(ok, **fields):
        transcript.flush()
        print(json.dumps({"ok": ok, **fields, **({} if ok else {"screen": text()})}))
        return 0 if ok else 1

    sent_to = []  # the screen the previous keys went to
    for i, step in enumerate(steps):
        end = time.time() + step.get("timeout", 180)
        stale = sent_to if any(step["expect"] in s for s in sent_to) else []
        while True:
            pump(0.5)
            shown = text()
            if step["expect"] in shown and shown not in stale:
                break
            if time.time() > end:
                return report(False, step=i, expect=step["expect"])
        # Let the dialog finish drawing before typing into it.
        pump(0.3)
        sent_to = [text()]
        transcript.write(("\n<<< step %d: %s >>>\n" % (i, step["expect"])).encode())
        for key in step["send"]:
            sock.sendall(key.encode())
            time.sleep(0.02)
    pump(1)
    return report(True, steps=len(steps))


if __name__ == "__main__":
    sys.exit(main())
