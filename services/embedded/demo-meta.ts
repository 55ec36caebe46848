import { mkdir, readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { simpleGit } from 'simple-git';
import { packageRoot } from '../../shared/kernel/package-root.js';
import { renderDemoTemplate } from './demo-template.js';

/**
 * Materialises the demo meta repository shipped in deploy/demo-meta into a local git repository
 * (dates relative to today), committing only when the rendered files changed. Returns its path,
 * which the embedded default uses as META_REPO.
 */
export async function materialiseDemoMeta(targetDir: string, now: Date, sourceDir = join(packageRoot(), 'deploy', 'demo-meta')): Promise<string> {
  await mkdir(targetDir, { recursive: true });
  const git = simpleGit(targetDir);
  if (!(await git.checkIsRepo().catch(() => false)) || !(await isRepoRoot(targetDir))) {
    await git.init(['--initial-branch=main']);
  }
  await git.addConfig('user.name', 'Urna demo', false, 'local');
  await git.addConfig('user.email', 'demo@urna.invalid', false, 'local');

  // Replace the tracked content wholesale so files removed from the template disappear too.
  for (const entry of await readdir(targetDir)) {
    if (entry !== '.git') await rm(join(targetDir, entry), { recursive: true, force: true });
  }
  for (const file of await listFiles(sourceDir)) {
    const target = join(targetDir, relative(sourceDir, file));
    await mkdir(join(target, '..'), { recursive: true });
    await writeFile(target, renderDemoTemplate(await readFile(file, 'utf8'), now));
  }
  await git.add(['-A']);
  const status = await git.status();
  if (!status.isClean()) await git.commit(`Demo elections as of ${now.toISOString().slice(0, 10)}`);
  return targetDir;
}

async function isRepoRoot(dir: string): Promise<boolean> {
  return readdir(dir).then((entries) => entries.includes('.git'));
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
