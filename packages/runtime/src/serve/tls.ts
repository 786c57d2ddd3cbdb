/**
 * HTTPS for gc-serve: `--tls-cert FILE --tls-key FILE` (PEM, both or neither), read and checked at
 * start-up so that a missing, unreadable, malformed or mismatched file is one E_TLS line with a hint,
 * never a stack trace from deep in Node's TLS layer.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { GcError, readFailureReason } from '@gc-edge/core';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The certificate and key as fastify's `https` option takes them. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

const HINT = 'give a PEM certificate (chain) with --tls-cert and its private key with --tls-key';

/** The two flags as options: both or neither (E_ARGS otherwise). */
export function tlsFiles(certFile: string | undefined, keyFile: string | undefined): TlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined || certFile === '' || keyFile === '') {
    throw new GcError('E_ARGS', `--tls-cert and --tls-key go together; got only ${certFile ? '--tls-cert' : '--tls-key'}`, { hint: HINT });
  }
  return { certFile, keyFile };
}

/** Reads both files and checks that the key is the certificate's (E_TLS naming the file and what is wrong). */
export function loadTls(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, '--tls-cert', 'CERTIFICATE');
  const key = readPem(files.keyFile, '--tls-key', 'PRIVATE KEY');
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    const why = String((e as Error).message ?? e);
    if (/key values mismatch/i.test(why)) {
      throw new GcError('E_TLS', `--tls-key '${files.keyFile}' is not the private key of --tls-cert '${files.certFile}'`, {
        hint: 'give the key the certificate was made for (openssl x509 -noout -pubkey and openssl pkey -pubout print the same key)',
      });
    }
    throw new GcError('E_TLS', `--tls-cert '${files.certFile}' / --tls-key '${files.keyFile}' cannot be used: ${why.slice(0, 160)}`, {
      hint: HINT,
    });
  }
  return { cert, key };
}

function readPem(file: string, flag: string, label: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new GcError('E_TLS', `${flag} '${file}' cannot be read: ${readFailureReason(e)}`, { hint: HINT });
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(bytes.toString('latin1'))) {
    throw new GcError('E_TLS', `${flag} '${file}' holds no PEM ${label.toLowerCase()} (-----BEGIN ...${label}-----)`, { hint: HINT });
  }
  return bytes;
}
