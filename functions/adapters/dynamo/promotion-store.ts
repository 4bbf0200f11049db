import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DECIDE_ON, type DecideOn } from '../../core/cadence-schema.ts';
import type { Promotion, PromotionStore } from '../../domain/promotion-ports.ts';
import { promotionKey, promotionPk } from './keys.ts';
import { DynamoTable, type Item } from './table.ts';

/*
 * The promotions autoPromote records (docs/architecture.md §2.4), one item per cadence × step × test (its variant
 * ids) in the cadence's own partition: the Touch reads its step's with one GetItem, the report the cadence's with one
 * Query, and the job writes each once with attribute_not_exists, so a promotion never flips.
 */

const isDecideOn = (value: unknown): value is DecideOn => DECIDE_ON.includes(value as DecideOn);

function toPromotion(item: Item | undefined): Promotion | undefined {
  if (!item) return undefined;
  const { cadenceId, stepId, variants, variant, decideOn, probabilityBest, at, sent } = item;
  if (
    typeof cadenceId !== 'string' ||
    typeof stepId !== 'string' ||
    typeof variants !== 'string' ||
    typeof variant !== 'string' ||
    typeof at !== 'string' ||
    typeof probabilityBest !== 'number' ||
    !isDecideOn(decideOn)
  )
    return undefined;
  const counts = Object.entries((sent ?? {}) as Record<string, unknown>).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  return {
    cadenceId,
    stepId,
    variants,
    variant,
    decideOn,
    probabilityBest,
    at,
    sent: Object.fromEntries(counts),
  };
}

export class DynamoPromotionStore implements PromotionStore {
  private readonly table: DynamoTable;

  constructor(options: { readonly client: DynamoDBDocumentClient; readonly tableName: string }) {
    this.table = new DynamoTable(options.client, options.tableName);
  }

  async promotion(cadenceId: string, stepId: string, variants: string): Promise<Promotion | undefined> {
    return toPromotion(await this.table.get(promotionKey(cadenceId, stepId, variants)));
  }

  record(promotion: Promotion): Promise<boolean> {
    return this.table.put(
      {
        Item: {
          ...promotionKey(promotion.cadenceId, promotion.stepId, promotion.variants),
          type: 'promotion',
          cadenceId: promotion.cadenceId,
          stepId: promotion.stepId,
          variants: promotion.variants,
          variant: promotion.variant,
          decideOn: promotion.decideOn,
          probabilityBest: promotion.probabilityBest,
          sent: promotion.sent,
          at: promotion.at,
        },
      },
      'attribute_not_exists(pk)',
    );
  }

  async promotions(cadenceId: string): Promise<Promotion[]> {
    const items = await this.table.partition(promotionPk(cadenceId));
    return items.map(toPromotion).filter((p): p is Promotion => p !== undefined);
  }
}
