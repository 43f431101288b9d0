import { ApiProperty } from '@nestjs/swagger';

/** The error body of every refusal (DESIGN.md 3.3). */
export class ErrorView {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'not_found' }) error!: string;
  @ApiProperty() message!: string;
}

class FieldProblemView {
  @ApiProperty({ example: 'identified' }) field!: string;
  @ApiProperty({ type: String, isArray: true, example: ['identified must be a boolean value'] }) problems!: string[];
}

export class ValidationErrorView extends ErrorView {
  @ApiProperty({ type: FieldProblemView, isArray: true }) fields!: FieldProblemView[];
}
