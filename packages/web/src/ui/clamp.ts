import { makeStyles } from '@fluentui/react-components';

/**
 * Text that may run long (a workflow's name) shows at most two lines and ends in an ellipsis; put
 * the whole text in the element's `title` so hovering shows it. For an inline element inside a table
 * cell, not the cell itself (a cell must keep its table display).
 */
export const useClampStyles = makeStyles({
  twoLines: {
    display: '-webkit-box',
    WebkitBoxOrient: 'vertical',
    WebkitLineClamp: '2',
    overflow: 'hidden',
    overflowWrap: 'break-word',
  },
});
