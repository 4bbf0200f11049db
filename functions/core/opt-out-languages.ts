// The rules of functions/core/opt-out-words.ts beyond English, apart so each file holds one language's words.

/**
 * The same requests in German, Spanish, French, Italian and Dutch: each a verb of removal or stopping with its
 * object, or a fixed phrase ("darme de baja", "uitschrijven"), after the same normalisation ("m'envoyer" →
 * "menvoyer", "désinscrivez-moi" → "désinscrivezmoi").
 */
export const OTHER_LANGUAGES: readonly { readonly id: string; readonly pattern: RegExp }[] = [
  // German: "bitte entfernen Sie mich aus Ihrem Verteiler", "ich möchte mich abmelden", "keine E-Mails mehr"
  {
    id: 'de-remove',
    pattern:
      /\b(?:entfernen|streichen|löschen|nehmen|tragen) sie (?:bitte )?(?:mich|uns|meine (?:daten|adresse|emailadresse|kontaktdaten))\b|\b(?:mich|uns) (?:bitte )?(?:aus|von) (?:ihrem|ihrer|eurem|eurer|dem|der|diesem|dieser) (?:\S+ )?(?:verteiler|liste|mailingliste|newsletter|emailverteiler|datenbank)\b|\baus (?:ihrem|ihrer|dem|der|diesem|dieser) (?:\S+ )?(?:verteiler|liste|mailingliste|newsletter|emailverteiler|datenbank) (?:nehmen|streichen|entfernen|löschen|austragen)\b/,
  },
  { id: 'de-unsubscribe', pattern: /\b(?:abmelden|austragen|abbestellen|abmeldung)\b/ },
  {
    id: 'de-no-more',
    pattern:
      /\bkeine (?:weiteren )?(?:emails?|mails?|nachrichten|werbung|newsletter|sms|anrufe)(?: mehr)?(?= \||$| mehr| bitte| senden| schicken| zusenden)|\b(?:kontaktieren|schreiben|mailen|anschreiben|anrufen|belästigen) sie (?:mich|mir|uns) (?:bitte )?nicht mehr\b|\b(?:mich|uns) (?:bitte )?nicht mehr (?:kontaktieren|anschreiben|anrufen|mailen|anmailen|schreiben)\b|\bmeine (?:daten|kontaktdaten|emailadresse) (?:\S+ )?(?:löschen|entfernen)\b|\bhören sie (?:bitte )?auf (?:\| )?(?:mir|mich|uns)\b/,
  },
  // Spanish: "dejen de enviarme correos", "quiero darme de baja", "sáquenme de su lista"
  {
    id: 'es-stop',
    pattern:
      /\b(?:dejen|deja|dejad|paren|dejar) de (?:enviarme|mandarme|escribirme|contactarme|llamarme|enviarnos|escribirnos|contactarnos|molestarme)\b|\bno (?:me|nos) (?:envíen|envien|manden|escriban|contacten|llamen|envíes|envies|mandes|escribas|contactes) más\b/,
  },
  // "BAJA" is the Spanish opt-out keyword, as STOP is the English one: "Baja", "baja por favor"
  { id: 'es-keyword', pattern: /(?:^|\| )baja(?: (?:por favor|porfa|gracias))?(?= \||$)/ },
  {
    id: 'es-remove',
    pattern:
      /\bde baja\b|\b(?:elimínenme|eliminenme|bórrenme|borrenme|sáquenme|saquenme|quítenme|quitenme|eliminarme|borrarme|sacarme|quitarme) de\b|\b(?:eliminen|borren|eliminar|borrar|supriman) (?:mis|nuestros) datos\b|\b(?:quiten|eliminen|borren|saquen) (?:mi|mis|nuestro|nuestros) (?:correo|email|datos|dirección|direccion|número|numero)|\bno (?:quiero|deseo) (?:seguir )?recibir (?:más )?(?:correos|emails|mensajes|publicidad|información|informacion)\b/,
  },
  // French: "désinscrivez-moi", "retirez-moi de votre liste", "ne m'envoyez plus", "arrêtez de m'écrire"
  {
    id: 'fr-unsubscribe',
    pattern:
      /\b(?:désabonn|desabonn|désinscri|desinscri)\w*|\b(?:retirez|supprimez|enlevez|effacez|rayez|retirer|supprimer|enlever)(?:moi|nous| moi| nous)? (?:de|des|du) (?:votre|vos|la|cette|ta|tes|vos) (?:liste|listes|fichier|fichiers|base|mailing|newsletter|diffusion)\b|\b(?:supprimez|effacez|supprimer|effacer) (?:mes|nos) (?:données|coordonnées|informations)\b|\b(?:retirez|supprimez|enlevez|effacez) (?:mon|mes|notre|nos) (?:adresse|email|mail|coordonnées|numéro|numero|données)/,
  },
  {
    id: 'fr-stop',
    pattern:
      /\bne (?:me |nous )?m?(?:envoy|contact|écriv|ecriv|appel|sollicit)\w* (?:\S+ )?plus\b|\bne plus (?:me |nous )?m?(?:envoy|contact|écri|ecri|appel|sollicit)\w*|\bne (?:souhaite|veux|désire|desire|voudrais|souhaitons|voulons) plus (?:recevoir|être|etre)\b|\b(?:arrêtez|arretez|cessez|arrête|arrete|cesse) (?:de |d)(?:m|me |nous )?(?:envoy|écri|ecri|contact|spam|sollicit|appel)\w*/,
  },
  // Italian: "cancellatemi dalla lista", "non voglio più ricevere", "smettete di scrivermi"
  {
    id: 'it-remove',
    pattern:
      /\b(?:cancellatemi|rimuovetemi|toglietemi|eliminatemi|disiscrivetemi|cancellami|rimuovimi|toglimi|disiscriver\w*|disiscrizione)\b|\b(?:cancellarmi|rimuovermi|togliermi|eliminarmi) (?:dalla|dal|dai|dalle|da)\b|\b(?:cancellate|rimuovete|eliminate|cancellare|rimuovere) (?:il mio (?:indirizzo|contatto|nominativo)|i miei dati|la mia email)\b/,
  },
  {
    id: 'it-stop',
    pattern:
      /\bnon (?:voglio|desidero) più (?:ricevere|essere contattat\w)|\b(?:smettete|smetti|smettetela) di (?:inviarmi|scrivermi|contattarmi|mandarmi|chiamarmi)\b|\bnon (?:mi |ci )?(?:scrivete|contattate|inviate|mandate) più(?![a-z])|\bnon (?:contatta|scrive|chiama|invia|manda)te(?:mi|ci) più(?![a-z])/,
  },
  // Dutch: "schrijf me uit", "verwijder mij uit uw lijst", "geen mails meer"
  {
    id: 'nl-remove',
    pattern:
      /\b(?:uitschrijven|afmelden|uitgeschreven)\b|\b(?:schrijf|meld) (?:me|mij|ons) (?:\S+ )?(?:uit|af)\b|\bverwijder (?:(?:alstublieft|alsjeblieft|aub|graag|even|svp) )?(?:me|mij|ons|mijn (?:gegevens|emailadres|adres|nummer))\b|\bgeen (?:emails?|mails?|mailtjes|berichten|nieuwsbrieven|sms|reclame) meer\b|\b(?:mail|bel|contacteer|stuur|benader) (?:me|mij|ons) (?:\S+ )?niet meer\b|\bhaal (?:me|mij|ons) (?:\S+ )?(?:van|uit) (?:de|jullie|uw|deze|je) (?:lijst|mailinglijst|verzendlijst|database|bestand)\b|\bstop (?:nu )?met (?:mailen|emailen|bellen|smsen|sturen|berichten)\b/,
  },
];
