/**
 * `--probability` for the rule that picks one of `n` remaining endpoints: 1/n with ten
 * decimals, the text of Go's `fmt.Sprintf("%0.10f", 1.0/float64(n))` (0.5000000000).
 * Integer arithmetic reproduces Go's round-half-to-even, where toFixed would round a
 * tie such as 1/2048 up.
 */
export function probability(n: number): string {
  const scale = 10_000_000_000n;
  const denominator = BigInt(n);
  let digits = scale / denominator;
  const twiceRemainder = (scale % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && digits % 2n === 1n)) digits += 1n;
  const text = digits.toString().padStart(11, '0');
  return `${text.slice(0, -10)}.${text.slice(-10)}`;
}
