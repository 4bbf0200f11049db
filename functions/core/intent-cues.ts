/*
 * The phrases each reading rests on, as patterns over a reply made lower case with its apostrophes straightened
 * ("We’re" → "we're"). Each list is a kind of sentence prospects write, not a list of examples: a pattern names a
 * verb or a stance with its object ("went with another vendor", "try me again in"), so new wordings of the same
 * thing match. Opt-outs in words are not here: they are functions/core/opt-out-words.ts, the one source of those.
 */

/** A cue list: the first pattern that matches is the cue the reading reports. */
export type Cues = readonly RegExp[];

const DAY = '(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?';
const WHEN = `(?:${DAY}|tomorrow|tmrw|tmr|today|next week|this week|(?:this|tomorrow) (?:morning|afternoon|evening))`;
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\b';
/** A later period named: "April", "mid-March", "Q3", "the new year", "a few weeks", "next quarter". */
const LATER_PERIOD = `(?:(?:early|late|mid)[- ]?)?${MONTH}|q[1-4]|(?:the )?(?:new year|spring|summer|fall|autumn|winter)|(?:a|\\d+|a few|a couple of|two|three|six) (?:weeks|months)|next (?:week|month|quarter|year)`;

/** The writer is away and says so in words, in English, German, Spanish or French. */
export const OUT_OF_OFFICE: Cues = [
  // "soon" or "from next week" announces a leave, it is not an automatic answer
  /\b(?:i am|i'm|im|i will be|i'll be|currently) (?:currently )?(?:out of (?:the )?office|ooo|away (?:from (?:the|my) (?:office|desk)|on (?:holiday|vacation|leave|business)|until|till|through)|on (?:annual |parental |maternity |paternity |sick )?(?:leave|vacation|holiday|holidays|pto|sabbatical)|travell?ing (?:until|till|through|with limited|and have limited|and will have)|away at (?:a |an |the )?(?:trade ?show|conference|event|offsite|off-site|summit|expo|fair|workshop|training|retreat))(?! soon| from next| starting| next)/,
  /\b(?:i'll|i will) be back in (?:the )?office (?:on|from|after|next)\b/,
  /\bout of (?:the )?office[:,-]? (?:until|till|through|thru|from|and|with|on|returning|back)\b/,
  /^out of (?:the )?office\b/,
  // the note of a few words: "Out until the 2nd.", "OOO, back Mon."
  /^(?:ooo|out)[,:.!-]? (?:until|till|til|thru|through|back|returning|today|all week|this week)\b|^(?:(?:we're|we are|the office is|the shop is|our office is) )?(?:currently )?closed (?:for|over|until|till|from) (?!good\b)/,
  // out on site, on the road: "I'm out on site visits all week and back in the office Thursday"
  new RegExp(
    `\\b(?:i'm|im|i am|i'll be|i will be) out\\b(?! of (?!(?:the )?office\\b|town\\b|the country\\b))[^.!?]{0,60}\\b(?:back (?:in (?:the |my )?office|at my desk)|(?:back|until|till|til|returning) (?:on )?(?:${DAY}|\\d|the \\d|next week|tomorrow))`,
  ),
  /(?:^|[.!?] )(?:currently )?(?:on (?:annual |parental |maternity |paternity |sick )?(?:leave|vacation|holiday|holidays|pto|sabbatical)|away) (?:until|till|til|through|thru|returning|back on|this week|all week|for the week)\b/,
  /\b(?:automatic reply|auto-?reply|out of office reply|ooo reply|automatische antwort|respuesta automática|réponse automatique|risposta automatica|automatisch antwoord)(?![\p{L}])/u,
  /\b(?:limited|no|sporadic|intermittent|occasional|little|restricted) access to (?:my )?e-?mails?\b/,
  /\be-?mails? (?:will not|won't) be (?:read|answered|monitored|checked)\b/,
  /\b(?:ich bin|bin ich) (?:bis|vom|ab|derzeit|zurzeit|momentan|im urlaub|nicht im büro|außer haus|abwesend)/,
  /\b(?:nicht im büro|außer haus|im urlaub|abwesenheitsnotiz)\b/,
  /\b(?:estoy|estaré|me encuentro) (?:fuera de la oficina|de vacaciones|ausente)/,
  /\bfuera de la oficina\b/,
  /\b(?:je suis|je serai) (?:actuellement |en ce moment )?(?:absente?|en congés?|en vacances|hors du bureau|en déplacement)/,
  /\b(?:sono|sarò) (?:attualmente )?(?:fuori (?:ufficio|sede)|in (?:ferie|vacanza)|assente)/,
  /\b(?:ik ben|ben ik) (?:momenteel |op dit moment |tot en met |tot )?(?:afwezig|op vakantie|met vakantie|niet op kantoor|buiten kantoor)/,
  /\babsente? (?:du bureau )?jusqu/,
  // a closed office or a site without signal: "our clinic is closed for the Easter break", "barely any signal"
  /\b(?:office|offices|clinic|shop|store|practice|surgery|studio|salon|restaurant|showroom) (?:is|are|will be|remains|remain) (?:currently |now )?(?:closed|shut)\b|\b(?:e-?mails?|messages?|enquiries|inquiries) received (?:during|over|while|between|in) (?:this|that|the)\b/,
  /\b(?:barely|hardly|limited|patchy|spotty|poor|little|no) (?:any )?(?:phone )?(?:signal|reception|coverage|wi-?fi|connectivity)\b/,
];

/** The business itself is gone: a no for good, even when its owner also retired ("we closed the shop; retired!"). */
export const CLOSED_DOWN: Cues = [
  /\b(?:we|i)(?:'ve| have| had)? (?:closed|shut) (?:down )?(?:the|our|my) (?:business|shop|store|company|practice|salon|restaurant|cafe|café|studio|firm|clinic|surgery|gym|agency|bakery|pub|bar|hotel|garage|school)\b(?! (?:for(?! good)|until|till|over|during|while|on|early|today|tonight|this|yesterday|at (?:\d|noon|lunch))\b)(?![^.!?]{0,60}\b(?:moved|opened|relocated|reopen\w*|new (?:one|location|store|shop|site)|online)\b)|\b(?:closed|shut|closing|shutting) (?:down )?(?:for good|permanently)\b|\b(?:went|gone|going) out of business\b|\bceased trading\b|\bno longer (?:trading|in business)\b/,
];

/** The lead is not the person: wrong contact, or no longer there. */
export const LEFT_COMPANY: Cues = [
  /\b(?:no longer|not longer) (?:with|at|works? (?:at|for|here|with)|working (?:at|for|here|with)|employed|part of)\b/,
  /\b(?:has|have|had|just|he|she|they|who) (?:has |have |had )?(?:left|retired|moved on)\b/,
  /\bno longer (?:in|on) (?:that|this|the) (?:role|position|job|team)\b/,
  /\b(?:he's|she's|he is|she is|they're|they are) no longer (?:here|around|on the team|in the company|with the company)\b/,
  /\b(?:i'm|im|i am|i've|i have) (?:now )?retired\b|\b(?:i'm|im|i am) not (?:with|at|part of|employed by) (?:that|the|this|your|any) (?:company|business|firm|organi[sz]ation)\b|\b(?:i|he|she|they) (?:don't|do not|doesn't|does not|never) work(?:ed)? (?:there|at (?:that|this) company|for (?:that|this) company)\b/,
  // the writer left: a place and when, not "I left you a voicemail"
  /\bi(?:'ve| have)? left (?!(?:you|u|it|a|an|them|him|her|my|your|some|this|that|the (?:note|message|comment|voicemail))\b)(?:[a-z0-9&'.-]+ ){1,4}?(?:ago|last (?:year|month|spring|summer|fall|autumn|winter)|in (?:19|20)\d\d|(?:in|back in|at the end of|since) (?:january|february|march|april|june|july|august|september|october|november|december|(?:the )?(?:spring|summer|fall|autumn|winter)|last (?:year|month)))\b/,
  /\b(?:left|retired from|resigned from) (?:the|our|this) (?:company|business|firm|organi[sz]ation|organi[sz]ations|team)\b|\b(?:i|i've|i have|i'm|he|she|they|he's|she's|he has|she has)(?: just| now)? (?:retired|resigned) from (?:the|my|our|this|that|his|her|their)\b|\b(?:i|he|she|they)(?:'ve| have| has| had)? (?:just )?resigned\b/,
  /\b(?:doesn't|does not|don't|do not) work (?:here|for us|at|with us) any ?more\b|\b(?:doesn't|does not|don't|do not|no longer) work (?:at|for|with|in) [^.!?,;]{1,40}? any ?more\b/,
  /\b(?:doesn't|does not) work (?:here|for us)\b/,
  /\b(?:moved on|left us) (?:from|to|in|last|a few|earlier)\b/,
  /\bretired (?:in|last|a|earlier|recently|this|back|at the|\d)|\b(?:passed away|is deceased|has died)\b/,
  /\b(?:moved|switched|went|changed) (?:over )?(?:to )?(?:a )?(?:different|new|another|other) (?:company|companies|job|jobs|employer|firm|organi[sz]ation)\b/,
  // German, Spanish, French, Italian, Dutch: "ist nicht mehr bei uns tätig", "ya no trabaja aquí"
  /\b(?:nicht mehr (?:bei uns|in unserem unternehmen|im unternehmen|für uns|hier)|arbeitet nicht mehr|hat (?:das unternehmen|uns|die firma) verlassen)\b/,
  /\b(?:ya no (?:trabaj[oa]|est[áo]y?|form[oa] parte)|ne (?:travaille|fait) plus|n'est plus (?:chez|dans|avec|parmi)|(?:a|ai) quitté (?:la société|l'entreprise|notre)|non (?:lavor[oa]|è|sono) più|werkt? (?:hier )?niet meer|(?:is|ben) niet meer (?:werkzaam|bij)|(?:ich )?arbeite nicht mehr)/,
];
export const WRONG_PERSON: Cues = [
  /\bwrong (?:person|contact|guy|email|address|department|team)\b/,
  /\b(?:you've got|you have|you got|youve got|u have|u got|you've reached|you reached|you've emailed|you emailed|you've contacted|you contacted) the wrong (?!idea|impression|end|way|number of)[a-z]+\b/,
  /(?:^|[.!?,] |\b(?:i|he|she|they|we|who)(?: (?:actually|just))? )(?:don't|do not|doesn't|does not) work (?:at|for) (?:any|a|that|this|your)\b/,
  /\b(?:have|has|got) nothing to do with (?:\w+ )?(?:sales|purchas\w*|buying|marketing|procurement|software|tools?|vendors?|decisions?|the (?:company|business))\b/,
  /\b(?:this|that|the) (?:inbox|email|address|mailbox|account|number) (?:belongs to|is monitored by|is only for|is for (?:the|our) [a-z ]{0,20}(?:only|desk|team|office))\b/,
  /\b(?:there's|theres|there is) no (?!rush|budget|need|time|money|interest|point|hurry|pressure)[a-z]+ (?:here|at this (?:number|address|company|email))\b|\bno (?:one|body) (?:here )?(?:by|with|named|called) (?:that|this) name\b/,
  /\bnot (?:involved|part of|included) (?:in|with) (?:any |the )?(?:purchas|buying|decision|procurement|vendor|tool|software)\w*/,
  /\b(?:don't|do not|doesn't) have (?:any )?(?:say|input|authority|influence) (?:in|on|over)\b|\bno say (?:in|on|over)\b/,
  /\bnot the (?:right|correct|best|appropriate|relevant) (?:person|contact|one|guy|people|team)\b/,
  /\b(?:don't|do not|no longer) (?:handle|deal with|manage|look after|make|own|work on|run|decide on|buy|purchase)(?: (?:any|the|these|those|this|that|such|our|buying|purchasing|any of|all of))? (?:decisions?|purchas\w*|buying|vendors?|tools?|software|marketing|sales|procurement|hiring|this|that|these|it|anything like (?:this|that))\b/,
  /\b(?:not|isn't|is not|aren't) (?:my|our) (?:area|department|call|decision|responsibility|role|job|team|remit)\b/,
  /\b(?:i'm|im|i am) not (?:responsible|in charge|the (?:decision ?maker|person|one|buyer|owner|boss|manager|business owner))\b/,
  /\b(?:meant|intended|supposed to go|supposed to be) (?:for|to) (?:someone|somebody|another person|a different person) ?(?:else)?\b/,
  /\b(?:i|we)(?:'ve| have)? (?:only |just |recently )?(?:got|had|have had|was given|been given|inherited) this (?:phone |mobile |cell )?(?:number|phone|cell|line) (?:(?:only|just) )?(?:a (?:few|couple)|last|since|recently|\d|this (?:year|month|week)|in (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)|\b(?:not|isn't|isnt|no longer) (?:\w+'s|his|her|their) (?:number|phone|cell|mobile|email) any ?more\b|(?:^|sorry,? |[.!?] )(?:there's |there is )?no (?!rush|worries|problem|problems|need|budget|time|money|interest|one|thanks|way|idea|pressure|hurry|luck|issue|issues|change|complaints|chance|doubt|capacity|bandwidth|demand|appetite|use|room|space|plans?|staff)[a-z]+ (?:here|at this (?:number|address))\b/,
  /\b(?:i'm|im|i am) (?:just )?(?:an? )?(?:intern|assistant|student|contractor|temp)\b.*\b(?:not|no|don't|can't|nothing)\b/,
  /\bnever (?:worked|been) (?:at|with|for)\b/,
  // no longer the one: "I am not handling this anymore"; the number changed hands: "New number", "Wrong #"
  /\b(?:not|no longer) (?:handling|dealing with|managing|looking after|responsible for|in charge of) (?:this|that|these|it|those)(?: \w+)? any ?more\b|\bwrong #|(?<=^|[.!?] )new (?:number|phone|cell)[.!]?$/,
  // a private address, not a business: "this is a personal email", "I don't own a business", "a mix-up with the address"
  /\b(?:this|that|it)(?:'s| is) (?:a |my )?(?:personal|private) (?:email|e-mail|address|inbox|account|number|phone|cell)\b|\bi (?:don't|do not) (?:own|have|run) (?:a|any) (?:business|company)\b|\bmix-?up with (?:the |my |your )?(?:address|email|number|contacts?|names?|records?|list)\b/,
  /\b(?:have|got|get) (?:me|us) (?:confused|mixed up|mistaken) (?:with|for)\b|\bmistaken me for\b|\bthinking of (?:someone|somebody) else\b/,
  // mistaken for someone: "you've mixed me up with", "I never filled in any form", "my name isn't Stephen"
  /\b(?:mixed|mix|muddled|confused) (?:me|us) up\b|\bconfused (?:me|us) with\b|\bmistook (?:me|us) for\b|\bmy name (?:isn't|isnt|is not|'s not|ain't)\b|\b(?:i|we) (?:have |'ve )?(?:never|didn't|did not|haven't|have not) (?:ever )?(?:filled (?:in|out)|submitted|completed|signed up (?:for|on|with)) (?:any|a|the|your|this|that) (?:\w+ )?(?:form|enquiry|inquiry|request|application)\b/,
  // "who? this isn't Kevin": the whole reply says it is not the person named
  /^(?:(?:who|what|huh|sorry|hi|hey|um)\W* )*(?:this|it|that) (?:isn't|isnt|is not|'s not|s not) (?!(?:it|right|true|correct|working|needed|necessary|relevant|helpful|useful|ok|okay|good|great|funny|fair|legit|spam|urgent|clear|possible|enough|cheap|free|fine|interesting|affordable|worth|what|the|a|an|for|my|our|your)\b)[a-z]+[.!]*$/,
  // not the writer's area: "this mail is not related to me", "I handle marketing, not facilities", "no idea who handles it"
  /\b(?:is not|isn't|'s not|not) (?:related|addressed|directed) to me\b|\b(?:doesn't|does not) concern me\b|\b(?:i|i'm|im|i am) (?:only |just )?(?:handle|handling|do|run|manage|look after|work in|working in|work on|in) (?:the )?[a-z]+(?: [a-z]+){0,2}(?: here)?,? not (?:in )?(?:the )?(?:facilities|admin|administration|purchas\w*|procurement|sales|marketing|finance|hr|it|operations|ops|buying|accounts|billing|maintenance|legal|management|contracts)\b|\b(?:don't|do not|dont|no|not sure) (?:know |idea )?who (?:handles|is handling|looks after|deals with|is responsible|is in charge|manages|takes care of|you should|to (?:ask|contact|talk to)|(?:would|will|could|should|might|can) (?:handle|deal with|look after|manage|take care of|be (?:responsible|in charge)))\b/,
  // "I am not handling this department", "please check with the concerned person" (Indian English for the right one)
  /\b(?:i'm|im|i am) not (?:handling|dealing with|managing|looking after|responsible for|in charge of) (?:this|that|the|your) (?:department|area|account|matter|topic|subject|function|requirement|enquiry|inquiry)\b|\b(?:check|connect|speak|talk|contact) (?:with )?the concerned (?:person|department|team|authority|people)\b/,
  /\b(?:isn't|is not|not) (?:something|anything|an area|a topic) (?:i|i'm|im) (?:\w+ )?(?:deal with|handle|work on|look after|own|manage|decide on|cover|am responsible for|involved in)\b/,
  // German, Spanish, French, Italian, Dutch: "nicht zuständig", "no soy la persona indicada", "pas la bonne personne"
  /\bnicht (?:zuständig|verantwortlich|(?:der|die) richtige (?:ansprechpartner|ansprechpartnerin|person|kontakt))|\bno soy (?:(?:la persona|el contacto) (?:adecuad|indicad|correct)|quien (?:decide|lleva|se encarga))|\bno (?:me corresponde|es mi área|llevo (?:este|ese) tema)|\b(?:pas|plus) (?:la bonne personne|le bon (?:interlocuteur|contact)|la bonne interlocutrice)|\b(?:pas|plus) (?:de mon ressort|responsable de|en charge de)|\bnon sono (?:io )?(?:la persona giusta|il referente|la referente|il responsabile|la responsabile)|\bnon (?:è|e') di mia competenza|\bniet de (?:juiste|goede) persoon|\bniet (?:verantwoordelijk|mijn afdeling)/,
  /\b(?:talk to|speak (?:to|with)|reach out to|contact|ask|try) (?:my|our|the) (?:manager|boss|supervisor|colleagues?|team|it team|it department|purchasing|procurement|marketing|sales|office|head office|hq|owner|director|ceo|cto|cfo|wife|husband|partner|son|daughter|dad|mom|mum|father|mother|brother|sister)\b/,
];

/** Handing over: the words before a name or an address that becomes a new lead. */
export const HANDOVER =
  /\b(?:talk to|talk with|speak to|speak with|reach out to|get in touch with|contact|connect with|coordinate with|liaise with|email|e-mail|write to|forward(?:ing|ed)? (?:this |you |it |your (?:note|email|message) )?(?:on )?(?:to|over to)|(?:cc'?ing|cc'?d|cced|cc|copying|looping in|looped in|loop in|adding)|the (?:right |best |correct )?(?:person|contact|one|guy) (?:(?:you (?:want|need|should (?:talk|speak) to|'re after|are after)|to talk to|to speak (?:to|with))(?: now| today| instead| here)? )?(?:is|would be)|you(?:'ll|'d)? (?:want|need) (?=[a-z]+(?: [a-z]+){0,2} (?:for|about|on|regarding|instead)\b)|you(?:'ll|'d| will| would)? (?:want|need)(?: to (?:talk to|speak (?:to|with)|contact|email|reach|write to))?(?= [\w.+-]+@| (?:our|my|the) [a-z]+(?: [a-z]+){0,2}\b[^.!?@]{0,40}[\w.+-]+@)|(?:he|she|they)(?:'s| is| are) (?:at|on)(?= [\w.+-]+@)|send (?:it|this|that|them|these|those)(?: over| across| on| through)? to(?= [\w.+-]+@)|direct (?:all |any |your |future )?(?:[a-z]+ ){0,2}(?:correspondence|enquiries|inquiries|e-?mails?|questions|requests|communications?|mail) to|does (?:all )?(?:the|our) (?:ordering|buying|purchasing|bookings?|hiring|scheduling|accounts|books|admin|invoicing)|loop(?:ing|ed)? (?=[a-z]+(?: [a-z]+)? in\b)|try|(?:handles|owns|runs|manages|looks after|is in charge of|is responsible for|takes care of|is handling|is dealing with|is looking after) (?:this|that|these|the|all|marketing|sales|purchasing|procurement|it|our|vendor)|(?:is|would be) (?:the|a) (?:right|better|best|correct) (?:person|contact|fit)|(?:is|would be) the (?:one|person|guy|contact) (?:you want|you need|to (?:talk|speak) to|to ask)|(?:my|his|her|their) (?:replacement|successor)(?: is)?|(?:his|her|their) name(?:'s| is)|hand(?:ed|ing)? (?:this|it) (?:over|on) to|pass(?:ed|ing)? (?:this|it|your (?:email|e-mail|message|note|details)) (?:on|along|over) to|ask for|took over|has taken over|(?:this is|that's|this would be|it's) (?:more |better |really |probably |actually )?(?:one |a question |something )?for)\b/;

/** Handing over by phone or chat ("text my colleague Ray"), and in German, Spanish, French, Italian and Dutch. */
export const HANDOVER_ELSEWHERE =
  /\b(?:(?:text|txt|call|ring|phone|message|ping|whatsapp)(?= (?:my|our|his|her) )|(?:wenden|melden) sie sich (?:bitte |gerne )?(?:direkt )?an|(?:kontaktieren|schreiben) sie (?:bitte |gerne )?(?:direkt )?|(?:ich )?leite (?:das|es|ihre (?:nachricht|e-?mail|anfrage)) (?:gerne )?(?:weiter )?an|(?:hablen?|habla) con|(?:contacte|contacten|contacta|escriba|escriban|escribe) (?:a|con)|(?:pónganse|póngase|ponte) en contacto con|(?:reenvío|reenvié|paso) (?:su |tu |el )?(?:correo|mensaje|email) a|contactez|adressez-vous|(?:je )?(?:transmets|fais suivre) (?:votre |ton )?(?:message |mail |demande )?|contatti|contattate|scriva a|scrivete a|rivolgetevi a|si rivolga a|inoltro (?:la (?:sua|tua) (?:mail|email|richiesta) )?a|neem(?:t u)? contact op met|stuur (?:het|dit|uw bericht) door naar|ik stuur (?:het|dit|je mail|uw mail) door naar)\b/;

/** A temporal limit that makes a refusal a "not now": "not interested right now", "no budget this year". */
export const FOR_NOW =
  /\b(?:right now|rn|for now|just now|at the moment|atm|at this (?:time|point|stage)|currently|this (?:year|quarter|month|week|season|fiscal)|yet|until|till|til|for the (?:time being|moment|next)|(?:next|coming) (?:year|quarter|month|few)|in (?:the )?(?:new year|spring|summer|fall|autumn|winter)|later|anymore this)\b/;

/** A time limit widened to always is no limit: "no interest at this time or in the future", "not now, not ever". */
export const EVER =
  /\b(?:or|nor|and) (?:ever|in the future|at any (?:point|time)|any ?time in the future)\b|\bnot (?:\w+,? )?(?:(?:or|and|nor) )?(?:not )?ever\b|\b(?:and|or) never will(?: be)?\b|\bfor good\b(?! (?:reason|measure|cause|luck))/;

/** A date or a wait the prospect asks for, or a busy spell that will pass. */
export const NOT_NOW: Cues = [
  /\bnot (?:right )?now\b/,
  /\bnot (?:at the moment|at this (?:time|point|stage)|yet|today|this (?:year|quarter|month|week))\b/,
  /\b(?:can't|cannot|can not|won't|couldn't|unable to) (?:do|commit|take|look at|prioriti[sz]e|move forward|start|think about|consider|afford|justify|add|fit|give)\b(?: [a-z']+){0,3}? (?:(?:right )?now|at the moment|at this (?:time|point)|this (?:year|quarter|month)|until|before|till|yet)\b|\b(?:can't|cannot) do (?:it|this) now\b/,
  // "no chance I'll look at this before the new year": nothing done before a time is a wait until it
  /\b(?:no chance|not|won't|can't(?! wait)|cannot(?! wait)|unlikely to)\b[^.!?]{0,40}\bbefore (?:the )?(?:new year|next (?:year|month|quarter|week)|q[1-4]|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|spring|summer|autumn|fall|winter|christmas|the holidays)\b/,
  /\bnot (?:until|till|til|before)\b|\bnot in (?:the|our|this year's) budget\b/,
  // "call me on 0412 555 010" or "on +31 6 …" gives a number, not a time
  /\b(?:try|ping|email|contact|call|text|message|msg|bug|nudge|remind|write|ask|hit|drop) (?:me|us) (?:a (?:line|note|message|text|email) )?(?:up |again |back )?(?:in|after|next|around|later|closer|nearer|early|towards|toward|once|when|at the|on|mid)\b(?! (?:\+|\(?\d{3}|\d{1,4}[ .-]\d{3}|(?:you|u|ya)(?: can| get a| have a| are free|'re free| re free|r free)\b))|\b(?:ask|try|contact|message|text|email|ping) (?:me|us) (?:again|back) then\b/,
  /\b(?:try|ask) (?:again|back) (?:in|after|next|around|later|closer|early|once|when|on)\b|\btry (?:again |back )?(?:in|after|around|mid|early|late) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|spring|summer|fall|autumn|winter|the new year|q[1-4]|\d+ (?:days|weeks|months)|easter|christmas|xmas|the holidays|thanksgiving|ramadan|eid|diwali|(?:the )?(?:busy|peak|holiday) season)/,
  // "revert back in April" is Indian English for "write back"; "follow up on leads" names no time
  /\b(?:check|circle|come|get|reach|follow|touch|loop|revert)(?: (?:back|up|base|out))?(?: out)?(?: (?:with|to) (?:me|us))?(?: again)? (?:in(?! (?:for|touch|person|here|there|now|today|tomorrow)\b)|after|next|around|later|closer|nearer|early|towards|toward|once|when|at the|(?:at |by |towards )?(?:the )?(?:end|start|beginning|middle) of|on (?=the \d|\d|that (?:date|day)|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b))\b/,
  /\b(?:reconnect|revisit|regroup|talk again|speak again|pick (?:this|it) (?:back )?up|chat again)\b.*\b(?:in|after|next|later|around|then|once)\b/,
  // "please connect in April": a contact asked for in a later period
  new RegExp(
    `\\bconnect (?:with (?:me|us) )?(?:again |back )?(?:in|after|around|towards|by) (?:${LATER_PERIOD})`,
  ),
  // the decision sits in a later budget, or waits on a contract: "this sits in next FY's budget", "a conversation for later"
  /\b(?:next|the next|next year's) (?:fy|financial year|budget(?: cycle| year)?)\b|\b(?:a |one )?(?:conversation|chat|discussion|topic|project|one|thing) for (?:later|another (?:day|time)|down the (?:road|line)|next year|the new year)\b/,
  /\b(?:nothing|no changes?) (?:can|will|could|is going to|would) (?:change|happen|move|be done)(?: \w+)? (?:until|before|till|til)\b|\b(?:contract|agreement|subscription|lease|term)\b[^.!?]{0,40}\b(?:runs|lasts|goes|is locked in|locked in|tied (?:in|up)) (?:until|till|til|through|into)\b/,
  // a reopening or a settling-in first: "we reopen in September", "once she's settled in we'll look at tools"
  /\b(?:re-?open(?:s|ing)?|back open) (?:in|on|after|from|next|mid|early|late)\b|\bonce (?!you\b|u\b)(?:[a-z']+ ){1,8}?(?:we'll|we will|i'll|ill|i will|we can|i can|i'd|we'd) (?:\w+ )?(?:look|revisit|review|consider|evaluate|talk|chat|pick (?:this|it) up|get back|reach out|circle back|have a (?:proper )?look|have (?:the |more |some )?time)\b/,
  /\bmaybe (?:later|next|in|after|down the road|another time)\b/,
  /\b(?:put|set|make|pop|add|create) (?:in |up )?(?:a |an )?(?:reminder|follow-?up|note|task)(?: in)? (?:for|to (?:reach|follow|check|ping|contact))\b/,
  /\b(?:later this year|down the (?:road|line)|another time|some other time|in a (?:few|couple(?: of)?) (?:weeks|months))\b/,
  /\b(?:too |really |very |super |pretty |crazy |so )?(?:busy|swamped|slammed|buried|flat out|stretched|heads?[- ]down)\b/,
  // in the thick of something that will end: "in the middle of a merger", "mid-migration"
  /\b(?:in the middle of|midway through|mid-way through|in the thick of) (?:a|an|the|our|my) (?:\w+ )?(?:merger|move|migration|audit|launch|rebrand|restructure|reorg|acquisition|renovation|refit|rollout|season|transition|relocation|takeover)\b|\bmid-(?:migration|merger|move|audit|launch|renovation|rollout|restructure)\b/,
  /\b(?:bad|poor|wrong|tough) timing\b|\btiming(?:'s| isn't| is not| is) (?:right|great|good|ideal|bad|off|tough)\b/,
  /\b(?:too|a bit|a little|bit) (?:early|soon)\b|\bgive (?:me|us|it|this) (?:a few|a couple(?: of)?|some|a|another|more) (?:more )?(?:weeks|months|time|while)\b/,
  /\b(?:we're|we are|everything's|everything is|budgets? (?:is|are)|spend(?:ing)? is) (?:currently )?(?:frozen|on hold|paused)\b|\bbudgets?\b[^.!?]{0,40}\b(?:is|are|has been|have been|'s) (?:already |currently |fully )?(?:exhausted|spent|used up|maxed out)\b/,
  // a later period is "better": "Q3 is better for us", "next year would work better"
  /\b(?:q[1-4]|next (?:month|quarter|year)|(?:early |late |mid-?)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(?:the )?(?:spring|summer|fall|autumn|winter)) (?:is|would be|might be|will be|could be|works|would work|might work) (?:a )?(?:much |lot )?(?:better|best|more realistic|easier)\b/,
  /\bmaybe (?:in |around )?(?:early |late |mid-?)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b/,
  // German, Spanish, French, Italian, Dutch: "nicht jetzt", "ahora no", "pas pour le moment", "più avanti", "niet nu"
  /\b(?:nicht jetzt|jetzt nicht|gerade nicht|momentan nicht|derzeit nicht|zurzeit nicht|später|melden sie sich (?:gerne |bitte )?(?:im|in|nach|ab|wieder))\b/,
  /\b(?:ahora no|no es (?:buen|el) momento|más adelante|mas adelante|pas maintenant|pas pour (?:le moment|l'instant)|plus tard|recontactez|non (?:ora|adesso|in questo momento)|più avanti|niet nu|op dit moment niet|later dit jaar)\b/,
  /\b(?:on hold|paused|budget (?:is )?(?:frozen|freeze|cut)|hiring freeze|spending freeze|no budget (?:until|this|right now|for now|left))\b/,
  /\b(?:not a priority|low priority|lower priority|other priorities)\b/,
  // a decision that waits on money or a yes: "we're waiting on funding", "pending board approval"
  /\b(?:waiting|pending)(?: (?:on|for))? (?:the |our |a )?(?:funding|approval|budget approval|board approval|sign-?off|grant|investment|go-ahead|green light)\b/,
  /\bnot (?:a |an |the )?(?:good|great|right|ideal) (?:time|moment)\b|\b(?:no|zero|limited) (?:bandwidth|capacity|headcount)\b(?! (?:issues?|problems?|limits?|constraints?))|\bno time (?:for (?:this|it|that)|to (?:look|review|evaluate|take))\b/,
  /\b(?:after|until|till|once) (?:q[1-4]|(?:the|our) (?:new |next )?(?:fiscal|financial|budget|new year|holidays|summer|launch|quarter|migration|merger|audit|reorg|busy season|renewal|contract|funding|rollout|implementation|board)|we (?:finish|wrap|close|launch|hire|get through))\b/,
  /\b(?:next|in the new) (?:year|quarter|fiscal year)\b/,
  // a pause asked for or imposed: "hold off for now", "money's tight til payday", "leadership froze all new spend"
  /\bhold (?:off|fire)\b|\b(?:money|cash|budgets?|funds|things)(?:'s| is| are) (?:a bit |really |very |pretty )?tight\b/,
  /\b(?:froze|frozen|freezing|paused|halted) (?:all |our |any )?(?:new )?(?:spend|spending|budgets?|purchas\w*|projects?|hiring)\b/,
  // readiness put off to a time: "we'll be ready to look at this mid-September", "I'll probably be ready after May"
  /\b(?:we'll|we will|i'll|i will|we should|i should)(?: probably| likely)? be ready (?:to \w+ (?:at |into )?(?:this|it|that) )?(?:in|after|by|around|once|when|mid|early|late|next|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b/,
];

/** A refusal that means "never": no interest, another vendor, no need. */
export const NO: Cues = [
  /\b(?:not|aren't|isn't|am not|are not|no longer|never been) (?:really |very |at all |remotely |even )?interested\b/,
  /\b(?:un|dis)interested\b/,
  /\b(?:got|have) (?:it|this|that|everything) covered\b|\b(?:not|no longer) (?:needed|required|necessary)\b|\b(?:have|got|use) (?:a|an|our own|one) (?:\w+ )?(?:solution|tool|vendor|provider|system|platform|agency) (?:already|in place)\b/,
  /\b(?:no|zero) (?:interest|need|use for)\b|\bno requirement\b(?! (?:to|for|that|of)\b)/,
  /\bno (?:plans?|intention) (?:to|of) (?:change|chang|buy|switch|invest|add|revisit|purchas|mov|us)\w*/,
  /\b(?:not|isn't|is not|aren't) (?:really |even )?on (?:our|the|my) (?:roadmap|radar|agenda|wish ?list)\b/,
  /\b(?:don't|do not|can't|cannot) see (?:us|me|myself|ourselves|this|it|that) (?:ever )?(?:needing|using|buying|switching|changing|going|having|being)\b/,
  /\b(?:going to|gonna|have to|will|must|'ll|'d|respectfully|politely|i|we|to) (?:have to |respectfully |politely )?declin(?:e|ing)\b(?! (?:the|your|this) (?:meeting|invite|invitation|call))/,
  /\bsit (?:this|it) (?:one )?out\b/,
  /\b(?:went|go|going|gone|moving|moved) (?:in )?(?:a|another) (?:different )?direction\b/,
  /\b(?:won't|will not|wont|aren't|are not|not) (?:be )?(?:able to )?(?:moving|going|move|go) (?:forward|ahead)\b|\b(?:won't|will not|wont|not) (?:be )?(?:able to )?proceed(?:ing)?\b(?! (?:without|unless|if|until we|till we|before|with (?:the other|another|them|the competitor|our current)))/,
  /\b(?:we're|we are|i'm|i am|we've been|we have been) (?:very |really |quite |pretty |perfectly )?(?:happy|satisfied|content) with (?!(?:this|that|it|your|you|the (?:proposal|quote|demo|idea|offer|price|pricing|terms|plan|call|meeting))\b)/,
  /\b(?:just |recently )?(?:renewed|extended) (?:our|the|a) (?:contract|agreement|subscription|deal)\b|\brenew(?:ed|ing)? with (?:our|the) (?:existing|current|old|incumbent)\b/,
  // the decision taken, elsewhere: "this one's off the table", "we have made our decision and it is not you"
  /\b(?:this(?: one)?|it|that|the (?:project|deal|purchase))(?:'s| is) off the table\b|\b(?:made|reached) (?:our|a|the|my) decision\b.{0,30}\b(?:isn't|is not|it's not|not) (?:you|your (?:company|team|product|offer))\b/,
  // doing it without a vendor: "we'll keep doing it ourselves", "we handle all of this internally"
  /\b(?:keep|keeping|continue|continuing|carry on) (?:to )?(?:doing|do|handling|handle|running|managing) (?:it|this|that|everything|things|all of (?:it|this|that)|(?:the|our|my) [a-z]+(?: [a-z]+)?) (?:ourselves|myself|internally|in-?house)\b/,
  // German, Spanish, French, Italian, Dutch: "kein Interesse", "no nos interesa", "pas intéressé"
  /\b(?:(?:ce )?n'est pas pour nous|pas pour nous|no es para nosotros|nichts für uns|nicht für uns|non fa per noi|niets voor ons|niet voor ons|(?:wir )?haben (?:bereits|schon) (?:einen|eine|ein) (?:anbieter|lösung|partner|dienstleister|tool|system))/,
  /\b(?:kein bedarf|nein,? danke|brauchen wir nicht|no,? gracias|no (?:lo )?necesitamos|ya (?:tenemos|contamos con) (?:una?|nuestr[oa]) (?:soluci|proveedor|herramienta|sistema|equipo|agencia)|non,? merci|pas besoin|nous avons déjà (?:une? )?(?:solution|prestataire|fournisseur|outil)|no,? grazie|non ci serve|non ne abbiamo bisogno|abbiamo già (?:una?|il nostro) (?:soluzione|fornitore|strumento)|nee,? (?:dank (?:je|u)(?:wel)?|bedankt)|geen behoefte|(?:we )?hebben (?:al|reeds) (?:een )?(?:oplossing|leverancier|tool))/,
  /\b(?:kein interesse|nicht interessiert|no (?:nos|me) interesa|no estamos interesados|no estoy interesad[oa]|(?:pas|plus) intéressée?s?|ne (?:nous|m'|me) intéresse pas|non (?:ci|mi) interessa|non siamo interessati|geen interesse|niet geïnteresseerd)(?![a-zà-ÿ])/,
  /\b(?:we|i|they)(?:'re|'ve| are| have)? (?:(?:went|go|gone|decided to go|going|ended up going|partnered|moved forward|moving forward|going ahead|gone ahead|went ahead) with|chose|chosen|selected|picked|signed with|signed up with|decided on|ended up with) (?:another|a different|an other|someone|somebody|a competitor|your competitor|one of (?:your|the|their) (?:competitors|rivals)|a local|a cheaper|a less expensive|an in-house|our own|(?!(?:you|your|yours|u|ur|it|this|that|the|a|an|one|which|what)\b)[a-z0-9]+)\b/,
  // "went w someone else", "went w/ another vendor": the texting short form of "with"
  /\b(?:went|gone|going|go) w\/? (?:someone|somebody|another|a different|a competitor|one of)\b/,
  /\b(?:built|build|building|have|use|run) (?:something |one |it |our own (?:[a-z-]+ ){0,2})?(?:similar |like (?:this|that|it) )?in-?house\b/,
  /\b(?:we|i) (?:use|have|built|build|run) (?:our own|an in-house|in-house|something in-house)\b/,
  // done without a vendor already: "we do all of that ourselves"
  /\b(?:we|i) (?:already )?(?:do|handle|manage|run|take care of) (?:all (?:of )?)?(?:that|this|it|everything|those|these|them|our [a-z]+(?: [a-z]+)?) (?:ourselves|myself|internally|in-?house)\b/,
  // a decision taken against it, or things kept as they are: "our board rejected it", "we'll keep things as they are"
  /(?<!(?:n't|not|never) )\b(?:rejected|turned down|vetoed|voted (?:against|down)|said no to) (?:it|this|that|the (?:proposal|idea|quote|offer|purchase)|your (?:proposal|offer|quote))\b|\b(?:keep|leave|keeping|leaving) (?:things|it|everything) (?:as (?:they|it) (?:are|is)|the way (?:they|it) (?:are|is))\b/,
  // beyond what is needed, or not placed to: "way overkill for us", "not in a position to take this on"
  /\boverkill for (?:us|me|a (?:\w+ )?(?:shop|business|firm|company|team|practice))\b|\bnot in a position to (?:take (?:this|it|that) on|proceed|commit|buy|purchase|move forward|go ahead|invest|sign)\b/,
  // the work taken in-house, or never given out: "bring all marketing in-house", "we don't outsource recruitment"
  /\b(?:bring|brought|bringing|move|moved|moving|take|took|taking|taken) (?:it |this |that |everything |all (?:of )?(?:it |this |that )?)?(?:[a-z]+ ){0,2}in-?house\b|\b(?:we|i) (?:don't|do not|never) outsource\b/,
  // the decision taken against it: "this won't be happening", "it won't be revisited", "didn't make the cut"
  /\b(?:this|that|it)(?: (?:just|simply))? (?:won't|will not|isn't going to|is not going to|is never going to) (?:be )?happen(?:ing)?\b|\b(?:won't|will not|isn't going to|is not going to) be (?:revisited|reconsidered)\b|\b(?:didn't|did not|doesn't|does not|won't|will not) make the cut\b/,
  // another supplier settled: "we have already finalised with another vendor"
  /\b(?:finali[sz]ed|closed|contracted|signed) (?:with|on) (?:another|a different|an other|a competing|someone else|a local)\b/,
  // no time to be spent on it: "please don't put any time into this on our account"
  /\b(?:don't|do not) (?:put|spend|waste|invest) (?:any )?(?:more )?(?:of )?(?:your )?(?:time|effort|energy)(?: \w+){0,2} (?:on|into) (?:this|us|it|our)\b/,
  /^(?:no|nope|nah)[.!,]+ (?:we|i|thanks|thank|not|our)\b/,
  // a reply that ends on a bare "No." (the close of a sarcastic one), or the answer called a no
  /(?:^|[.!?] +)(?:no|nope|nah|non|nein|nee|(?:i'll |we'll |i will |we will )?pass)[.!]*$/,
  // "no chance", "I'm going to say no", "can't use yours even if we wanted to"
  /\b(?:no chance|not a chance|fat chance|not a hope|no hope)\b(?! (?:of|to|you|u)\b)|\b(?:going to|gonna|have to|got to|gotta|i'll|we'll|i will|we will|i must|we must|i'm going to|we're going to) (?:politely |respectfully |just |have to )?(?:say|answer) no\b(?! (?:problem|problems|worries|issue|doubt|more|less|fewer|than)\b)/,
  /\b(?:can't|cannot|can not|couldn't|could not|aren't able to|are not able to|not allowed to|unable to) (?:use|buy from|go with|work with|sign (?:up )?with|switch to) (?:yours|you|your (?:company|firm|agency|offer))\b/,
  /\b(?:not going to|won't|will not) (?:contract|hire|engage|purchase|buy|take up|sign up for) (?:the|your|this|that) (?:service|services|product|software|offer|proposal|solution|platform|tool|package)\b(?! (?:tier|plan|add-?on|option|upgrade))|\b(?:continue|carry on|keep going|stay|stick) (?:as|the way|how) (?:we are|we were|things are|it is|we have been)\b/,
  /\b(?:answer|decision|response)(?:'s| is| remains| stays| was| will be)(?: still)? (?:a )?(?:firm |hard |definite |clear )?no(?=$|[.!,])|\bstill (?:a )?(?:hard |firm )?no(?=$|[.!,])|\b(?:it's|its|that's|thats|that is|it is) (?:still )?a (?:hard |firm |definite |clear |big )?no(?=$|[.!,]| from| for)/,
  /\b(?:isn't|is not|'s not|just not|really not|wasn't|aren't) (?:really |quite |right )?for (?:us|me)\b(?! to\b)|\bnothing (?:here |in (?:this|it) |there )?for (?:us|me)\b(?! to\b)/,
  /\b(?:we|i)(?:'ll|'d| will| would) never (?:use|need|buy|want|switch|sign|consider|pay for|work with|go with)\b/,
  /\b(?:and|but|so|eventually|finally|ultimately|instead) (?:went|ended up going|decided to go|signed(?: up)?) with (?!(?:you|your|yours|u|ur|it|this|that|the|a|an|one|which|what)\b)[a-z0-9]+/,
  /\b(?:doesn't|does not|don't|do not|wouldn't|won't) (?:really )?(?:fit|suit|match) (?:us|our|me|my|what we)\b/,
  /\b(?:stay|staying|stick|sticking|remain|remaining) with (?:our (?:current|existing)|what we (?:have|use|got)|them|the current|our (?:provider|vendor|tool|system|solution|setup|agency|crm))\b|\bkeep (?:it|this|things|everything|that) in-?house\b/,
  /\b(?:not|won't be|aren't) (?:switching|changing)(?: (?:vendors?|providers?|tools?|from (?:them|our \w+)))?(?=$|[.,;!])/,
  /\balready (?:have|use|using|work with|working with|signed|got|chose|picked|went|have a|in a contract|under contract|committed|sorted|covered|taken care of|tied up with|contracted)\b/,
  /\b(?:we're|were|we are|i'm|im|i am) (?:all )?(?:set|good|covered|sorted|happy with|fine with|satisfied with|locked in|committed to|sticking with)(?: (?:thanks|thank you|with|for now|here|on this|on that)|$|[.,!])/,
  /\b(?:we'll|well|we will|i'll|ill|i will|gonna|going to) (?:stick with|pass)\b(?! (?:this|it|that|your \w+|the \w+|them)? ?(?:along|on to|to|over|around|round|up|through|onto))/,
  /\b(?:pass on this|hard pass|not for (?:us|me)(?! to\b)|(?:not|isn't|is not|aren't|wasn't) (?:really )?(?:a |the )?(?:good |great |right |strong )?(?:fit|match)|(?:not|isn't|is not) (?:really )?something (?:we|i)(?:'d| would| will|'ll|'re| are|'m| am)? (?:\w+ )?(?:need|want|use|using|buy|consider|pursu|interested)\w*|(?:not|isn't|is not) relevant|no (?:thanks?|thx|thank you|ty|ta|cheers)(?! (?:needed|necessary|required))|nope|nah)\b/,
  /\b(?:don't|do not|won't|will not|wouldn't|dont|wont|wouldnt) (?:really )?(?:need|want|require|use|buy)\b(?! to (?:miss|lose|forget|delay|wait|rush|keep you waiting|be (?:locked|tied|stuck)|commit))/,
  /\b(?:not|no longer) (?:looking|in the market|buying|pursuing|going to (?:move forward|proceed|pursue|buy|purchase|go ahead))\b/,
  /^(?:i'll |we'll |i will |we will )?pass(?:[.!,]+ ?(?:thanks|thank you|thx)?)?[.!]*$/,
  /\bdecided (?:not to|against|to go (?:another|a different) (?:way|direction))\b/,
  // a refusal in the progressive or the first person: "we won't be needing this", "I'm not joining a gym"
  /\b(?:won't|wont|will not|shan't|not going to) be (?:needing|using|requiring|buying|purchasing|going (?:for|ahead with)|signing up|taking (?:this|it|you|that) (?:up|(?:any )?further|forward)|pursuing)(?= (?:this|it|that|them|these|those|you|your|anything|any|one|the (?:service|product|software|tool|platform|offer|system|package|membership)s?)\b|$|[.,;!])|\b(?:i'm|im|i am|we're|we are) (?:just |simply )?not (?:going to |gonna )?(?:join|joining|sign(?:ing)? up|buying|purchasing|subscribing|enrolling)\b(?! (?:the|this|our|your|today's|tomorrow's|a) (?:call|meeting|demo|zoom|webinar|session|chat)\b)/,
  // another supplier chosen in other words: "we have decided for another supplier", "opted for a different provider"
  /\b(?:decided|opted|settled) (?:for|on) (?:another|a different|an other|a competing|a cheaper|a local|someone else's) (?:supplier|vendor|provider|company|firm|agency|partner|solution|product|tool|platform|service|contractor|installer|offer)\b/,
  // the price out of reach for good: "well out of our league and that's not going to change"
  /\b(?:out of|beyond|outside(?: of)?) (?:our|my) (?:league|price range|budget|reach|means)\b(?=[^.!?]{0,60}\b(?:(?:isn't|is not|not|won't|will not|never) (?:going to )?change|never)\b)/,
  /\b(?:please )?(?:don't|do not) (?:follow up|bother)\b/,
  /^(?:no|nope|nah|non|nein|nee)[.!]*$/,
];

/** Hedges: a refusal beside one of these is not clear enough to stop for good. */
/** Hedges on a yes: "we might be interested" is for a person to read. */
export const SOFT =
  /\b(?:might|(?:maybe|perhaps|possibly)(?! (?:\d|a (?:dozen|few|couple|handful|bit|little)|once|twice))|depending|depends|not sure|unsure|can't promise|(?:don't|do not) know where (?:that|this|it) leaves)\b/;

/** A wait that hangs on a condition is no promise of a date: "depends on the numbers next quarter". */
export const CONDITIONAL =
  /\b(?:depends|depending|dependent) on\b|(?<!\b(?:know|see|decide|tell|find out|check|sure|wonder|ask|whether) )\bif (?:the|our|we)\b/;

/** Asking to be sent material is a yes, even with a question mark: "could you send a case study?" */
export const ASKS_FOR_MATERIAL =
  /\b(?:could|can|would) (?:you|someone|somebody|one of you|u) (?:please )?(?:re-?send|send|share|forward|put together|prepare|(?:put|pull|draw) (?:something|one|a (?:\w+ )?(?:proposal|quote|plan|package|price)) (?:together|up))\b|\bplease (?:you )?(?:can |could )?(?:send|share|forward)\b|\b(?:me|nos) (?:puedes|puede|podrías|podría|pueden) (?:mandar|enviar)|\bkönnen sie (?:mir|uns)\b.*\b(?:schicken|senden|zusenden)|\b(?:pourriez|pouvez)-?vous (?:m'|nous )?envoyer|\b(?:mi|ci) (?:può|potete|puoi) (?:inviare|mandare)|\bkunt u (?:me|mij|ons)\b.*\bsturen/;

export const HEDGE =
  /\b(?:(?:maybe|perhaps|possibly)(?! (?:\d|a (?:dozen|few|couple|handful|bit|little)|once|twice))|might|not sure|unsure|unless|depends|depending|probably not yet|open to|curious|tell me more|what if)\b|\?/;

/** A time proposed or accepted, or a call to be booked. */
export const MEETING: Cues = [
  /\b(?:book|schedule|set up|setup|arrange|grab|hop on|jump on|have|find|do|come (?:in |by |over |round |around )?for) (?:a |some |an? |the )?(?:quick |short |brief |15 ?min(?:ute)? |30 ?min(?:ute)? )?(?:call|meeting|demo|time(?! to (?:think|look|read|consider|decide|review))|chat|zoom|teams call|slot|walkthrough|(?:site )?visit|tour|viewing|consultation|appointment|measure-?up|inspection)\b/,
  /\b(?:calendar invite|send (?:me |us |over )?(?:an? |the )?(?:invite|calendar)|my calendar|calendly|booking link|(?:calendar|scheduling|booking) link|booked a (?:slot|time|call)|booked (?:the|a) \d{1,2}(?:[:.]\d\d)?)\b/,
  new RegExp(
    `\\b(?:i'm |im |i am |we're |we are )?free (?:after|before|from|around|between|until|till) (?:\\d|noon|lunch|${WHEN})`,
  ),
  new RegExp(
    `\\b${WHEN} (?:works|would work|is good|is fine|sounds good|is perfect|at \\d+|afternoon|morning)\\b`,
  ),
  new RegExp(
    `\\b(?:how about|what about|how's|hows|how is|let's do|lets do|let's say|lets say|(?:we |i |^)can do|does|would|(?:can|could) we (?:do|say)|free|available|works for me on|see you) (?:${WHEN}|\\d{1,2}(?:[:.]\\d\\d| ?(?:am|pm)\\b)|the \\d{1,2}(?:st|nd|rd|th)\\b)`,
  ),
  /\b(?:works for me|that works|i'm free|im free|i am free|we're free|book (?:me|us) in(?! for (?:the|an?|our) (?:install|installation|setup|set-up|delivery|service|job|work|onboarding|order)))\b/,
  new RegExp(
    `\\b(?:${DAY}|tomorrow)(?: (?:at )?\\d{1,2}(?:[:.]\\d\\d)?(?: ?(?:am|pm))?)? (?:works|would work|is good|is fine|suits|is perfect|ok|okay|good|fine)\\b|\\b\\d{1,2}[:.]\\d\\d (?:works|would work|is good|is fine|suits)\\b`,
  ),
  /\b(?:accepted|accepting) (?:the|your) (?:calendar )?(?:invite|invitation|meeting request)\b|\blooking forward to (?:our|the) (?:call|chat|meeting|demo|conversation)\b|\blooking forward to (?:speaking|chatting|meeting|talking)\b/,
  // German, Spanish, French, Italian, Dutch: "Montag um 10 Uhr", "el martes a las 10", "mardi à 10h", "alle 10", "om 10 uur"
  /\bum \d{1,2}(?:[:.]\d\d)? ?uhr\b|\ba las \d{1,2}(?:[:.]\d\d)?\b|(?:^|\s)à \d{1,2} ?h(?:\d\d)?\b|\balle (?:ore )?\d{1,2}(?:[:.]\d\d)?\b|\bom \d{1,2}(?:[:.]\d\d)? ?uur\b/,
  /\b(?:up for|down for|game for|open to) (?:a |an )?(?:quick |short )?(?:call|chat|meeting|demo|zoom)\b|\bgive (?:me|us) a (?:call|ring|buzz)\b|\b(?:mornings|afternoons|evenings) (?:are|work) (?:best|better|good)\b/,
  /\b(?:at )?\d{1,2}(?::\d\d)? ?(?:am|pm|a\.m\.|p\.m\.|est|et|pst|pt|cst|ct|cet|gmt)\b/,
  /\b(?:send|share|give) (?:me|us) (?:a few|some|your|a couple of) (?:times|slots|availability|options)\b|\byour availability\b/,
  /\b(?:let's|lets|let us|happy to|glad to|keen to|love to|like to|want to|could we|can we|shall we) (?:talk|chat|meet|connect|hop on|jump on|speak|get on a call|do a call|set something up|see a demo(?! recording| video)|schedule)\b/,
  new RegExp(`\\bcall me (?:at|on|any ?time|${WHEN})\\b`),
  // a time moved, held or taken: "move our call to Thursday", "lock in Thursday", "available for the call on Monday"
  new RegExp(
    `\\b(?:move|push|shift|reschedule|bump|change) (?:our|the|my|this|today's|tomorrow's) (?:call|meeting|demo|chat|appointment) (?:to|till|until) (?:${WHEN}|\\d)|\\b(?:lock|pencil) (?:(?:it|that|me|us) in|in(?! (?:the|a|an|our|your|this|that) (?!(?:time|slot|date|day|call|meeting|demo)\\b)))\\b`,
  ),
  new RegExp(
    `\\b(?:${DAY}|\\d{1,2}[:.]\\d\\d|\\d{1,2} ?(?:am|pm)|noon)\\b[^.!?]{0,30}\\b(?:would|will|should|could|does) (?:fit|suit|work)(?: for| with)? (?:me|us)\\b|\\b(?:i'm|im|i am|we're|we are|i'll be|i will be) (?:free|available) (?:for (?:a|the|our) (?:call|meeting|demo|chat)|on ${DAY}|at \\d)|\\bslot (?:on [^.?!,]{1,20} )?(?:is fine|is good|is great|is perfect|works|would work|suits)\\b`,
  ),
];

/** Asking rather than deciding. */
export const QUESTION: Cues = [
  // a sentence with a letter that ends in "?", tried only where a sentence starts: from every position, a long
  // reply without a "?" took cubic time (minutes for 8,000 characters)
  /(?:^|(?<=[.!?\n]))(?=[^.!?\n]*\p{L})[^.!?\n]*\?/u,
  /^(?:(?:hi|hey|hello|ok|so|and|also|quick question)[,!]? )?(?:how|what|what's|whats|wats|how's|hows|when|where|who|which|why|does|do|is|are|can|could|would) /,
  // asked without a question mark: "I want to know if the price includes shipping", "wondering whether it works"
  /\b(?:want|wanted|would like|'d like|need|like) to know (?:if|whether|how|what|when|where|why|which|who)\b|\bwondering (?:if|whether|how|what|when|where|why)\b/,
  /\b(?:(?:how|hw) (?:much|mch)|what (?:does|do) (?:it|you) cost)\b/,
];

/** A complaint about being written to, put as a question: "why do you keep sending these?" is for a person. */
export const COMPLAINT =
  /\bwhy (?:do|are|did|does|would|is) (?:you|u|your \w+) (?:keep |still |even )?(?:sending|emailing|e-mailing|texting|messaging|writing|contacting|calling|bothering|spamming|following up)\b/;

/**
 * Asking who is writing or what the message is about, or saying it arrived broken: a question, but not about the
 * offer, so a person answers it ("who is this", "remind me what this was about", "it came through blank").
 */
export const UNCLEAR =
  /\b(?:who(?:'s| is) (?:this|that|it from|writing|messaging|texting)(?! for\b)|who (?:are|r) (?:you|u)\b|do (?:i|we) know (?:you|u)\b|(?:what|wat)(?:'s| is) (?:this|that|it) (?:about|regarding|re|for|in reference to)\b|remind me (?:what|who|why|how)\b|is (?:this|that|it) (?:about|regarding|re|in regards? to) (?:the|my|our|an?) [a-z]+\b|(?:did|have) (?:you|u) (?:get|receive|see) (?:the|my|our) (?:[a-z]+ ){0,2}(?:i|we) (?:sent|emailed|texted)\b|(?:came|come|comes) (?:through|thru) (?:blank|empty|garbled|broken|corrupted)\b|is (?:this|that|it|you) (?:the same|that) (?:company|person|people|guy|business|firm|one) (?:that|who|as)\b|(?:which|what) (?:company|business|firm) (?:is (?:this|that|it)|are (?:you|u))\b|what(?:'s| is) the matter\b)|^(?:what|huh|wut|wat|eh|pardon)[?!.]*$/;

/**
 * A grievance with a service already had, not a question about the offer: "your invoice has the wrong name on it",
 * "your driver blocked my driveway again". A person answers it.
 */
export const SERVICE_ISSUE =
  /\byour (?:[a-z]+ ){0,2}?(?:invoices?|bills?|billing|statements?|drivers?|delivery|deliveries|vans?|trucks?|lorry|technicians?|engineers?|crew|installers?|courier|charges?)\b[^.!?]{0,60}\b(?:again|wrong|incorrect|broke|broken|damaged|late|blocked|missing|overcharged|double[- ]charged|never (?:came|arrived|turned up|showed up))\b/;

/** A yes, or wanting more. */
export const INTERESTED: Cues = [
  /\binterested\b|\b(?:intrigued|timely)\b|\b(?:you(?:'ve)? )?got my attention\b/,
  // German, Spanish, French, Italian, Dutch: "klingt interessant", "me interesa", "ça m'intéresse", "mi interessa"
  /\b(?:me interesa|nos interesa|interesad[oa]s?|suena (?:bien|interesante)|klingt (?:interessant|gut|spannend)|hört sich (?:gut|interessant) an|interessiert|ça (?:m|nous) ?'?intéresse|intéressée?s?|ça a l'air intéressant|mi interessa|ci interessa|interessat[oiae]|sembra interessante|klinkt (?:interessant|goed)|geïnteresseerd)(?![\p{L}])/u,
  /\b(?:sounds|looks|seems) (?:good|great|interesting|promising|useful|like a (?:fit|plan|good))\b/,
  /\b(?:tell me more|send (?:me |us |over )?(?:more|some|the|your)? ?(?:info|information|details|deck|brochure|pricing|case stud(?:y|ies)|overview|proposal|quote|one-?pager|one pager|slides|materials?|samples?|examples?|documentation|docs)|more info|send (?:me |us )?(?:over )?(?:whatever|what|anything) you(?:'ve| have)?)\b/,
  /^(?:yes|yeah|yep|yup|sure|absolutely|definitely|ok let's|go for it)\b/,
  /\b(?:yes please|(?:i'm|im|we're) in(?=$|[.!,]| for| too)|count (?:me|us) in|sign (?:me|us) up|let'?s do (?:it|this)|go ahead|keen|love to (?:learn|hear|see|try)|(?:would|i'd|we'd) (?:definitely |really |certainly |very much )?(?:like|love) to (?:learn|know|hear|see|try|get|receive)|want to (?:learn|know(?! (?:if|whether|how|what|when|where|why|which|who)\b)|hear|see|try)|let'?s (?:go|proceed)|please proceed|move forward|move ahead)\b/,
  /\b(?:is|be|looks like|seems like|sounds like|would be) (?:a )?(?:good|great|perfect|strong|solid|right) fit\b|\b(?:are|am|i'm|im|we're)(?: very| really| so| quite)? interest(?:ing)? in\b|\b(?:spot on|right up our (?:street|alley)|just the (?:thing|ticket)) for (?:us|me)\b|\bright up our (?:street|alley)\b|\b(?:you've |you have )?convinced (?:me|us)\b|\b(?:i'm|im|i am|we're|we are) sold\b/,
  /\b(?:need (?:this|something like this)|exactly what we need|been looking for|perfect timing|great timing|good timing)\b/,
  // liking what they were shown: "we loved the photos of the barn", "I really like your samples"
  /\b(?:we|i) (?:really |absolutely )?(?:loved|love|liked|like) (?:the|your) (?:photos?|pictures?|look|idea|work|venue|space|product|concept|demo|video|design|samples?|website|portfolio)\b/,
];

/**
 * Going ahead: the step that closes a deal (a contract, an order form, a payment link), a commitment, or asking what
 * comes next. Such a reply is interested even when it asks something: the question is about going ahead.
 */
export const GO_AHEAD: Cues = [
  /\b(?:re-?send|send|email|forward|share|give)(?: (?:me|us|over|through|across|it|again))*(?: (?:the|your|a|an|our))?(?: (?:final|formal|signed|updated|revised|new|official))? (?:contract|order form|agreement|paperwork|payment link|link to pay|checkout link|sign[- ]?up link|purchase order|offer|quote|proposal|booking form|deposit (?:details|invoice|link)|onboarding (?:steps|details|pack|form|docs))\b|\b(?:put together|pull together|prepare|draw up|write up) (?:a|the|an|our) (?:formal |final |updated )?(?:quote|proposal|contract|agreement|order|invoice)\b|\b(?:put|pull) (?:a|the|an|our) (?:formal |final |updated )?(?:quote|proposal|contract|agreement|order) together\b/,
  // the decision to buy, taken or carried out: "we'll go with it", "agreed to move ahead", "I'll get it signed"
  /\b(?:we|i)(?:'ll| will|'re going to| are going to|'ve decided to| have decided to) go (?:ahead )?with (?:it|you|this|that|your|the (?:\w+ )?(?:plan|package|offer|option|quote|proposal))\b|\b(?:agreed|decided|voted|approved it) to (?:move ahead|go ahead|proceed|move forward|sign|buy|go with (?:you|it|this|your))\b|\b(?:i|we)(?:'ll| will) (?:get (?:it|this|them|that|the \w+) signed|sort (?:out )?(?:the )?payment|make (?:the )?payment|route (?:it|them|this) for signatures?)\b|\b(?:everyone|everybody|we)(?:'s|'re| is| are) on board\b|\broll (?:it|this) out\b/,
  /\b(?:i|we)(?:'ll| will) (?:sign|pay|order|buy|check out|place (?:the|an|our) order)\b|\bready to (?:sign|buy|order|purchase|start|proceed|go ahead|get started|move forward)\b|\bput (?:me|us|my name|our names?) down for\b|\btwisted my arm\b|^go on then\b/,
  /\b(?:want|like|keen|ready|happy) to (?:continue with (?:you|your)|proceed|go ahead|get started|sign up|place an order)\b|\bstill (?:want|keen on|interested in)\b|\b(?:i'd|i would|we'd|we would) still (?:like|love|want)\b(?! to (?:keep|think|wait|hold|look around|shop around|compare))/,
  /\b(?:what(?:'s| is| are)|whats|wats) (?:the )?next(?: steps?)?(?=$|[?.!,]| (?:on|from|for) (?:your|my|our|us|me)\b)|\bnext steps\b|\bget the ball rolling\b|\bwhat do you need (?:from (?:me|us))\b|\bhow do (?:we|i) (?:proceed|sign up|move forward|pay|get started|start|kick off)\b|\bwhen can (?:we|i) (?:start|begin|get started|sign|kick off)\b|\bwhere do (?:i|we) sign\b|\bready when you are\b|\blet'?s get (?:(?:this|it) (?:done|going|started)|started)\b|\b(?:gave|given|got|have) (?:us |me )?the green light\b/,
  // a trial or a start asked for: "yes, we'd like to trial it", "we'd love to start with the pilot"
  /\b(?:i'd|i would|we'd|we would) (?:like|love|want) to (?:trial|pilot|start|begin|book|sign up|go ahead|proceed|get started)\b(?! (?:by|with) (?:a |some |one )?(?:few )?questions?\b)/,
];

/** Negation in the three words before a cue turns it round: "not interested"; "no problem, Tuesday works" is none. */
export const NEGATED =
  /\b(?:not|no(?! (?:problem|problems|worries|rush|pressure|doubt))|never|isn't|aren't|don't|doesn't|nor|hardly|no longer|nicht|kein|keine|pas|non|niet|geen|nunca|jamais)(?: \S+){0,2} ?$/;

/** Where an aside starts: the words after it are about something else ("Random question though, …", "Unrelated, …"). */
export const ASIDE =
  /(?:^|[.!?;—–-] *)(?:(?:a |one )?(?:random|unrelated|quick unrelated|separate|side|different) (?:question|note|thing)|off[- ]topic|on (?:a|another) (?:separate|different|side|unrelated) note|on another note|out of curiosity|just (?:out of )?curious)\b|(?:^|[.!?;—–-] *)unrelated(?: question)?[,:]/;
