/** Pure: PostgreSQL array literals, so ragged arrays travel through `unnest($n::text[])` and are cast per row. */
export function numberArrayLiteral(values: readonly number[] | null): string | null {
  if (values === null) return null;
  return `{${values.map((value) => String(value)).join(",")}}`;
}

export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}
