// Google credentials that need no Google: an external-account (workload identity federation) file whose
// token URL is a local server and whose subject token is a file, so google-auth-library exchanges it for
// an access token over loopback exactly as it would with Google's STS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the subject token and the credentials file into `folder`; returns the credentials file's path. */
export function writeExternalAccount(folder: string, tokenUrl: string): string {
  const subjectToken = join(folder, 'subject-token');
  writeFileSync(subjectToken, 'subject-token');
  const credentialsFile = join(folder, 'external-account.json');
  writeFileSync(
    credentialsFile,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/switchyard/providers/test',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: tokenUrl,
      credential_source: { file: subjectToken },
    }),
  );
  return credentialsFile;
}
