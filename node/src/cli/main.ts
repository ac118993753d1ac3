export async function main(argv: string[]): Promise<number> {
  console.log('nightshift', argv);
  return 0;
}
