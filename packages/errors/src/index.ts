export {
  type CoapResponseCode,
  type ErrorCode,
  type ErrorCodeSpec,
  errorCatalogue,
  isErrorCode,
} from './catalogue.js';
export { CodedError, type CodedErrorOptions, isCodedError } from './coded-error.js';
