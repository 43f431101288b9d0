import { Injectable, PipeTransform, type ArgumentMetadata } from '@nestjs/common';
import { DomainError } from '@feedback/http';

/**
 * Path ids are opaque upstream ids (1-200 characters, DESIGN.md contracts):
 * anything else is a 400 naming the parameter, never a store error.
 */
@Injectable()
export class IdParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'id';
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
      const problem = `${field} must be an id of 1 to 200 printable characters`;
      throw new DomainError(400, 'validation_failed', problem, { fields: [{ field, problems: [problem] }] });
    }
    return value;
  }
}
