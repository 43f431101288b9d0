import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SurveyType } from '../../../domain/feedback-answer.types';

const SURVEY_TYPES: SurveyType[] = ['csat', 'nps', 'custom'];

export class ErasureView {
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
  @ApiProperty({ description: 'the business admin (token `sub`) who erased the answer' }) erasedBy!: string;
}

/**
 * One answer. It never names the person (F8): the business knows its own
 * conversations. An erased answer is a tombstone: no score, option or comment.
 */
export class FeedbackItemView {
  @ApiProperty({ description: 'the feedback request answered (one answer per request)' }) requestId!: string;
  @ApiProperty({ description: 'the private conversation the feedback is about' }) conversationId!: string;
  @ApiProperty({ type: String, isArray: true, description: 'business users who took part in the conversation; members see the answers of their own conversations only (F7)' })
  representativeIds!: string[];
  @ApiProperty({ enum: SURVEY_TYPES }) surveyType!: SurveyType;
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: 'csat 1-5 or nps 0-10; absent for custom surveys and once erased', example: 4 }) score?: number;
  @ApiPropertyOptional({ description: 'the chosen label of a custom survey; absent once erased' }) option?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: "the person's comment, if they left one (stored encrypted); absent once erased" }) comment?: string;
  @ApiPropertyOptional({
    enum: [true],
    description: 'present (true) when the person left a comment that cannot be decrypted right now (its encryption key is not configured): the answer is listed without it until an operator restores the key',
  })
  commentUnavailable?: true;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ description: 'a test request (F15): flows end to end, never counts in analytics' }) test!: boolean;
  @ApiPropertyOptional({ type: ErasureView, description: 'present once the business erased the answer (F12)' }) erased?: ErasureView;
}

export class FeedbackPageView {
  @ApiProperty({ type: FeedbackItemView, isArray: true, description: 'newest submission first' }) items!: FeedbackItemView[];
  @ApiPropertyOptional({ description: 'pass as `cursor` for the next page; absent on the last page' }) nextCursor?: string;
}
