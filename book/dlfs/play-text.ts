// The text the chapter 6 and 7 character models learn: Weidman's input.txt is about 100 KB of
// machine-made "Shakespeare" (speaker names in capitals with a colon, then verse). Nothing is
// downloaded here: playText() writes a text of that shape from a small grammar of our own (so it is
// ours to ship), deterministic for a seed. Its characters are newline, space, ! ' , - . : ; ? and
// the 52 letters: the book's 62 symbols.
import { RandomState } from '@groundup/tensor';

const SPEAKERS = [
  'ANTONIO', 'BENVOLIO', 'CORIOLANUS', 'DUKE VINCENTIO', 'ESCALUS', 'FIRST CITIZEN', 'GREMIO', 'HERMIONE', 'ISABELLA', 'JULIET',
  'KING RICHARD', 'LUCIO', 'MENENIUS', 'NURSE', 'OLIVIA', 'PROSPERO', 'QUEEN MARGARET', 'ROMEO', 'SICINIUS', 'TRANIO',
  'URSULA', 'VALERIA', 'WARWICK', 'XANTHIPPE', 'YORICK', 'ZENOBIA', 'SECOND CITIZEN', 'LADY CAPULET', 'GLOUCESTER', 'PETRUCHIO',
];
const W = {
  noun: ['lord', 'heart', 'king', 'love', 'crown', 'blood', 'night', 'day', 'honour', 'grace', 'sword', 'death', 'life', 'soul', 'eye',
    'hand', 'tongue', 'father', 'son', 'daughter', 'brother', 'friend', 'queen', 'heaven', 'earth', 'world', 'time', 'name', 'word',
    'duty', 'fortune', 'tears', 'head', 'field', 'city', 'people', 'gods', 'master', 'sorrow', 'fear', 'peace', 'war', 'state', 'cause',
    'jest', 'quarrel', 'zeal', 'wit', 'breath', 'throne', 'grave', 'oath', 'truth', 'shame', 'joy', 'youth', 'age', 'bed', 'house', 'blessing'],
  adj: ['noble', 'gentle', 'sweet', 'good', 'fair', 'dear', 'poor', 'royal', 'true', 'false', 'proud', 'bloody', 'holy', 'wretched',
    'brave', 'cruel', 'bitter', 'kind', 'young', 'old', 'great', 'sad', 'wise', 'foul', 'honest', 'dead', 'well-beloved', 'ill-fated'],
  verb: ['love', 'fear', 'know', 'see', 'hear', 'speak', 'swear', 'pray', 'bear', 'keep', 'leave', 'give', 'take', 'find', 'hold',
    'serve', 'kill', 'curse', 'bless', 'follow', 'trust', 'pardon', 'vex', 'mark', 'forgive', 'remember', 'answer', 'banish'],
  verbs: ['loves', 'fears', 'knows', 'sees', 'hears', 'speaks', 'swears', 'bears', 'keeps', 'gives', 'takes', 'holds', 'serves',
    'comes', 'dies', 'lives', 'weeps', 'sleeps', 'stands', 'waits', 'burns', 'breaks', 'vexes', 'quickens'],
  adv: ['now', 'here', 'still', 'yet', 'well', 'soon', 'again', 'indeed', 'too', 'so', 'forth', 'away', 'hence', 'anon'],
  call: ['my lord', 'good sir', 'madam', 'sweet lady', 'my liege', 'gentle cousin', 'noble friend', 'good father', 'sirrah', 'fair queen'],
  oath: ['O', 'Alas', 'Fie', 'Ay', 'Nay', 'Well', 'Come', 'Peace', 'Hark', 'Marry', 'Go to', 'Why'],
};
const TEMPLATES = [
  'I {verb} the {noun} that {verbs} my {noun}',
  'thou art a {adj} {noun}, {call}',
  'what is {noun} but {noun} and {noun}',
  'the {adj} {noun} of {noun} {verbs} {adv}',
  'let me {verb} thy {noun}, for I {verb} it {adv}',
  '{oath}, {call}, I {verb} thee {adv}',
  'and shall the {noun} {verb} the {adj} {noun}',
  'my {noun} {verbs} not, nor {verbs} my {noun}',
  "'tis {adj} {noun} that {verbs} o'er the {noun}",
  'how {adj} is the {noun} of a {adj} {noun}',
  'go, {verb} the {noun}, and {verb} the {noun}',
  'by my {noun}, the {noun} {verbs} {adv}',
  'who {verbs} here but the {adj} {noun}',
  'I will not {verb} my {noun} to thy {noun}',
  'then {verb} me, {call}, or {verb} my {noun}',
  'his {noun} {verbs} in the {noun} of {noun}',
];

/** About `chars` characters of speeches, the same for the same seed. */
export function playText(chars = 100_000, seed = 62): string {
  const rng = new RandomState(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.randint(xs.length)]!;
  const cap = (s: string): string => s.replace(/[a-z]/, (c) => c.toUpperCase());
  const line = (): string => pick(TEMPLATES).replace(/\{(\w+)\}/g, (_, k: keyof typeof W) => pick(W[k]));
  let text = '';
  while (text.length < chars) {
    const n = 1 + rng.randint(4);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const end = i < n - 1 ? pick([',', ';', ':', ',', '']) : pick(['.', '.', '!', '?', '.']);
      lines.push(cap(line()) + end);
    }
    text += `${pick(SPEAKERS)}:\n${lines.join('\n')}\n\n`;
  }
  return text;
}
