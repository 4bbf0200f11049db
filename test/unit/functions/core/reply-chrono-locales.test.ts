import { de, es, fr, it as italian, nl } from 'chrono-node';
import { describe, expect, it } from 'vitest';
import {
  dutchCasual,
  frenchCasual,
  germanCasual,
  italianCasual,
  spanishCasual,
} from '../../../../functions/core/reply-chrono-locales.ts';
import { findReturnDate } from '../../../../functions/core/reply-date.ts';
import DESpecificTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/de/parsers/DESpecificTimeExpressionParser.js';
import DETimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/de/parsers/DETimeExpressionParser.js';
import ESCasualTimeParser from '../../../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESCasualTimeParser.js';
import ESTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/es/parsers/ESTimeExpressionParser.js';
import FRCasualTimeParser from '../../../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRCasualTimeParser.js';
import FRSpecificTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRSpecificTimeExpressionParser.js';
import FRTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRTimeExpressionParser.js';
import FRTimeUnitAgoFormatParser from '../../../../node_modules/chrono-node/dist/esm/locales/fr/parsers/FRTimeUnitAgoFormatParser.js';
import ITCasualTimeParser from '../../../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITCasualTimeParser.js';
import ITTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITTimeExpressionParser.js';
import ITTimeUnitAgoFormatParser from '../../../../node_modules/chrono-node/dist/esm/locales/it/parsers/ITTimeUnitAgoFormatParser.js';
import NLCasualTimeParser from '../../../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLCasualTimeParser.js';
import NLTimeExpressionParser from '../../../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLTimeExpressionParser.js';
import NLTimeUnitAgoFormatParser from '../../../../node_modules/chrono-node/dist/esm/locales/nl/parsers/NLTimeUnitAgoFormatParser.js';

/*
 * The reply reader's German, French, Spanish, Italian and Dutch readers are chrono's casual ones less the parsers of
 * a time of day and of a span ago (functions/core/reply-chrono-locales.ts): the same parsers with the same settings,
 * the same refiners, in chrono's order. A chrono upgrade that changes a locale's reader fails here, naming it.
 */

/** The parsers each reader leaves out, as chrono's classes (two of French's share a name, so not by name). */
const READERS = [
  ['de', germanCasual, de.casual, [DETimeExpressionParser, DESpecificTimeExpressionParser]],
  [
    'fr',
    frenchCasual,
    fr.casual,
    [FRTimeExpressionParser, FRSpecificTimeExpressionParser, FRCasualTimeParser, FRTimeUnitAgoFormatParser],
  ],
  ['es', spanishCasual, es.casual, [ESTimeExpressionParser, ESCasualTimeParser]],
  [
    'it',
    italianCasual,
    italian.casual,
    [ITTimeExpressionParser, ITCasualTimeParser, ITTimeUnitAgoFormatParser],
  ],
  ['nl', dutchCasual, nl.casual, [NLTimeExpressionParser, NLCasualTimeParser, NLTimeUnitAgoFormatParser]],
] as const;

describe("each reader is chrono's casual reader less its time-of-day and 'ago' parsers", () => {
  it.each(READERS)('%s', (_locale, build, casual, leftOut) => {
    // Arrange
    const left = (p: object) => leftOut.some((parser) => p.constructor === parser);

    // Act
    const ours = build();

    // Assess: each left-out parser is one of chrono's, and the rest are chrono's with the same settings
    // (littleEndian, strictMode), in its order, with its refiners
    expect(leftOut.map((parser) => casual.parsers.filter((p) => p.constructor === parser).length)).toEqual(
      leftOut.map(() => 1),
    );
    expect(ours.parsers).toStrictEqual(casual.parsers.filter((p) => !left(p)));
    expect(ours.refiners).toStrictEqual(casual.refiners);
  });

  it('would see a parser left out that the reader still needs: a date after a time of day is read', () => {
    // Arrange: an out-of-office naming the hour it ends, in each of the rebuilt languages
    const received = new Date('2026-12-07T15:00:00Z');
    const replies = [
      'Ich bin bis 14. Dezember um 9 Uhr nicht im Büro.',
      "Je suis absent jusqu'au lundi 14 décembre à 9h.",
      'Estaré fuera hasta el lunes 14 de diciembre a las 9.',
      'Sono fuori ufficio fino a lunedì 14 dicembre alle 9.',
      'Ik ben afwezig tot maandag 14 december 9 uur.',
    ];

    // Act
    const dates = replies.map((text) => findReturnDate(text, received, 'Europe/Berlin'));

    // Assess
    expect(dates).toEqual(replies.map(() => '2026-12-14'));
  });
});
