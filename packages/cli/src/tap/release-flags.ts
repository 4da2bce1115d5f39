import { defaultSettings, type Settings } from '@shoal/deploy';

/** The flags that name this installation again on a later command line: `-s NS [--set tap.release.name=NAME]`. */
export function releaseFlags(settings: Settings): string {
  const { name, namespace } = settings.tap.release;
  return `-s ${namespace}${name !== defaultSettings().tap.release.name ? ` --set tap.release.name=${name}` : ''}`;
}

/** `namespace shoal` or `namespace shoal (release web)`: the installation in words. */
export function releaseText(settings: Settings): string {
  const { name, namespace } = settings.tap.release;
  return `namespace ${namespace}${name !== defaultSettings().tap.release.name ? ` (release ${name})` : ''}`;
}
