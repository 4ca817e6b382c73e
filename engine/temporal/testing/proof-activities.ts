/** Activities for the proof workflows. */
export interface ProofActivities {
  greet(name: string): Promise<string>;
}

export function createProofActivities(calls: string[]): ProofActivities {
  return {
    async greet(name) {
      calls.push(name);
      return `hello, ${name}`;
    },
  };
}
