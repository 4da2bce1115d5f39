/**
 * The part of JSON Schema (draft 2020-12, "Validation" vocabulary) the settings use: enough for
 * the chart's values.schema.json, which Helm checks the values against before it renders.
 */
export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: 'string' | 'integer' | 'boolean' | 'array' | 'object';
  enum?: readonly string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  not?: JsonSchema;
}
