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
