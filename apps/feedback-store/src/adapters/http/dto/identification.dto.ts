import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsDefined } from 'class-validator';

/** `POST .../identification` body. */
export class RecordIdentificationDto {
  @ApiProperty({ description: 'whether the shared details let the business find the person in its own customer records', example: false })
  @IsDefined()
  @IsBoolean()
  identified!: boolean;
}
