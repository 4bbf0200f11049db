import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The engine's table a command reads, the local runtime's or the deployed stack's, and what to close once read. */
export interface TableSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where the data comes from, for a heading. */
  readonly label: string;
  close(): Promise<void>;
}
