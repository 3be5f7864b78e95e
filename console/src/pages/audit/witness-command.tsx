/**
 * @module pages/audit/witness-command
 * The command that starts a witness trusting this org's log: its verifier key goes in `--log`.
 * The witness writes its own public key to witness.vkey, which is then registered below.
 */
import { Button, Code, CopyButton, Stack, Text } from '@mantine/core';

export function WitnessCommand({ logKey }: { logKey: string }) {
  const command = `ward audit witness --listen 127.0.0.1:7380 --data ./witness --log ${logKey}`;
  return (
    <Stack gap="xs">
      <Text size="sm">
        Start a witness with this log's key; it writes its public key to witness.vkey in its data directory.
        Beyond its own machine it listens only over TLS (add --tls-cert and --tls-key).
      </Text>
      {/* Wrapped, not scrolled: the key is long and the whole command should be readable. */}
      <Code
        block
        aria-label="Command that starts a witness"
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
      >
        {command}
      </Code>
      <div>
        <CopyButton value={command}>
          {({ copied, copy }) => (
            <Button size="xs" variant="default" onClick={copy}>
              {copied ? 'Copied' : 'Copy command'}
            </Button>
          )}
        </CopyButton>
      </div>
    </Stack>
  );
}
