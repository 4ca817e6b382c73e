/** Shorthands for the schema classes' property decorators. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A free-form JSON object (rule IR, event data, a trigger). */
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

/** An ISO-8601 timestamp. */
export const Timestamp = (description?: string): PropertyDecorator =>
  ApiProperty({ type: String, format: 'date-time', ...(description ? { description } : {}) });

/** A property that is present but may be null. */
export const Nullable = (type: 'string' | 'integer' | 'object', description?: string): PropertyDecorator =>
  ApiProperty({
    ...(type === 'object' ? ANY_OBJECT : { type }),
    nullable: true,
    ...(description ? { description } : {}),
  });

/** An optional free-form value. */
export const OptionalObject = (description: string): PropertyDecorator =>
  ApiPropertyOptional({ ...ANY_OBJECT, description });

/** Text as `BodyReader.text` reads it: something besides white space, no NUL, at most `maxLength`. */
export const NON_BLANK = '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$';

/** A required non-blank text property. */
export const Text = (
  maxLength: number,
  options: { description?: string; example?: string } = {},
): PropertyDecorator =>
  ApiProperty({ type: String, minLength: 1, maxLength, pattern: NON_BLANK, ...options });

/** An optional non-blank text property (null or absent is fine). */
export const OptionalText = (
  maxLength: number,
  options: { description?: string; example?: string } = {},
): PropertyDecorator =>
  ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength,
    pattern: NON_BLANK,
    nullable: true,
    ...options,
  });
