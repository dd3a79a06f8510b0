import { Arg, Args, Ctx, ID, Query, Resolver, registerEnumType } from 'type-graphql';
import { enumOf } from '../kernel/enums';
import type { RequestContext } from '../kernel/context';
import { IdentifierInput } from './entity.input';
import { caseExport, EXPORT_FORMATS, type ExportFormat, networkExport } from './export.service';
import { NetworkShapeArgs } from './network.type';

export const ExportFormatEnum = enumOf(EXPORT_FORMATS);
registerEnumType(ExportFormatEnum, {
  name: 'ExportFormat',
  description:
    "STIX: a STIX 2.1 bundle (JSON) with TLP 2.0 markings; I2_ENTITIES / I2_LINKS: the entity and link CSV files of i2 Analyst's Notebook's import wizard (docs/formats.md)",
});

/** Exchange formats of the link-analysis answers: each is the `network` answer the caller would get, written in another notation. */
@Resolver()
export class ExportResolver {
  @Query(() => String, {
    description:
      'The network around entities, persons or cases (the same answer as `network`, with the same arguments), as a STIX 2.1 bundle or i2 CSV; only what you may read, each personal value recorded in the audit trail as a consultation',
  })
  networkExport(
    @Arg('seeds', () => [ID], { nullable: true, description: 'Entity, person or case ids' }) seeds: string[] | undefined,
    @Arg('identifiers', () => [IdentifierInput], {
      nullable: true,
      description: 'Entities by kind and value, found as `entities(filter:)` finds them (only values you may read); with `seeds`, at most 100 seeds in all',
    })
    identifiers: IdentifierInput[] | undefined,
    @Arg('format', () => ExportFormatEnum) format: ExportFormat,
    @Args(() => NetworkShapeArgs) shape: NetworkShapeArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return networkExport(ctx, { seeds, identifiers, ...shape }, format);
  }

  @Query(() => String, {
    description:
      "A case's entities and links (the entities observed in it, its persons and their links) as a STIX 2.1 bundle or i2 CSV; only what you may read, each personal value recorded in the audit trail as a consultation",
  })
  caseExport(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('format', () => ExportFormatEnum) format: ExportFormat,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return caseExport(ctx, caseId, format);
  }
}
