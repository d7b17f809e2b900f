import nanoCatalogJson from './catalogs/nano.json';
import { loadCatalog } from './catalog/load-catalog';
import { PolicyError, ResolverErrorCode } from './errors';
import type { NanoPermission } from './catalogs/nano-permissions';
import type { TypedCatalog } from './typed-catalog';

function loadNanoCatalog(): TypedCatalog<NanoPermission> {
  const loaded = loadCatalog(nanoCatalogJson);
  // The shipped catalog is tested; failing here means a broken build.
  if (!loaded.catalog)
    throw new PolicyError(
      ResolverErrorCode.catalogInvalid,
      `nano catalog: ${loaded.errors.map((e) => e.message).join('; ')}`,
    );
  return loaded.catalog;
}

/** The Nano node's permission catalog (docs/catalog.md), the default everywhere. */
export const nanoCatalog: TypedCatalog<NanoPermission> = loadNanoCatalog();
