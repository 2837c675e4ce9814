/** What a restore does, in every dialog that starts one: the administrator decides on this text. */
export function RestoreWarning() {
  return (
    <p className="oig-gap">
      The backup is checked first; nothing changes if it is damaged, from a newer release or the passphrase is wrong. Then the gateway stops (every
      application session ends), restarts on the restored database and settings, and keeps the current state if it does not come up healthy.
    </p>
  );
}
