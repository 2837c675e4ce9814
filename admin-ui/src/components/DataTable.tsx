import {
  Bullseye,
  Button,
  Pagination,
  SearchInput,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from '@patternfly/react-table';
import { useMemo, useState, type ReactNode } from 'react';

export interface Column<T> {
  title: string;
  cell: (row: T) => ReactNode;
  /** The text the filter searches (what the cell shows, in words). */
  text: (row: T) => string;
  /** What the column sorts by; without it the column sorts by `text`. */
  sortValue?: (row: T) => string | number;
  sortable?: boolean;
  width?: 10 | 15 | 20 | 25 | 30 | 40 | 50 | 60;
}

interface DataTableProps<T> {
  /** Unique on the page: the filter input and the pagination take their ids from it. */
  id: string;
  /** The table's accessible name ("Sessions", "Allowed Applications", …). */
  ariaLabel: string;
  /** The filter input's accessible name, e.g. "Filter sessions". */
  filterLabel: string;
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string | number;
  columns: readonly Column<T>[];
  /** Per-row buttons, in a last "Actions" column. */
  actions?: (row: T) => ReactNode;
  /** More toolbar items (the tab's buttons), after the filter. */
  toolbarItems?: ReactNode;
  /** Shown when there are no rows at all (not when the filter hides them). */
  emptyMessage: string;
  loading?: boolean;
  initialSort?: { index: number; direction: 'asc' | 'desc' };
}

const PER_PAGE_OPTIONS = [20, 50, 100, 500].map((value) => ({ title: String(value), value }));
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The one list of the UI: filter over the visible columns, sortable columns, and client-side
 * pages (20 by default) so a list of 2,000 sessions or accounts stays quick to render and read.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { id, ariaLabel, filterLabel, rows, rowKey, columns, actions, toolbarItems, emptyMessage, loading, initialSort } = props;
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [sort, setSort] = useState(initialSort);

  // The lower-cased text of every row is built once per data change, not per keystroke and column.
  const searchable = useMemo(
    () => (rows ?? []).map((row) => ({ row, text: columns.map((c) => c.text(row)).join('\u0000').toLowerCase() })),
    [rows, columns],
  );
  const filtered = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? searchable.filter((r) => r.text.includes(needle)).map((r) => r.row) : searchable.map((r) => r.row);
  }, [searchable, filter]);
  const sorted = useMemo(() => {
    const column = sort ? columns[sort.index] : undefined;
    if (!sort || !column) return filtered;
    const valueOf = column.sortValue ?? column.text;
    const factor = sort.direction === 'asc' ? 1 : -1;
    return [...filtered].sort((a, b) => {
      const x = valueOf(a);
      const y = valueOf(b);
      return factor * (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)));
    });
  }, [filtered, sort, columns]);

  // After a delete or a narrower filter the page may no longer exist: show the last one.
  const lastPage = Math.max(1, Math.ceil(sorted.length / perPage));
  const shownPage = Math.min(page, lastPage);
  const pageRows = sorted.slice((shownPage - 1) * perPage, shownPage * perPage);
  const columnCount = columns.length + (actions ? 1 : 0);

  const sortProps = (index: number): ThProps['sort'] => ({
    sortBy: sort ? { index: sort.index, direction: sort.direction } : {},
    onSort: (_event, columnIndex, direction) => setSort({ index: columnIndex, direction }),
    columnIndex: index,
  });

  let body: ReactNode;
  if (rows === undefined) {
    body = (
      <Tr>
        <Td colSpan={columnCount}>
          <Bullseye>{loading ? <Spinner size="lg" aria-label={`Loading ${ariaLabel}`} /> : 'Not loaded.'}</Bullseye>
        </Td>
      </Tr>
    );
  } else if (pageRows.length === 0) {
    body = (
      <Tr>
        <Td colSpan={columnCount}>
          <Bullseye>
            {rows.length === 0 ? (
              emptyMessage
            ) : (
              <span>
                No rows match the filter.{' '}
                <Button variant="link" isInline onClick={() => setFilter('')}>
                  Clear the filter
                </Button>
              </span>
            )}
          </Bullseye>
        </Td>
      </Tr>
    );
  } else {
    body = pageRows.map((row) => (
      <Tr key={rowKey(row)}>
        {columns.map((column) => (
          <Td key={column.title} dataLabel={column.title}>
            {column.cell(row)}
          </Td>
        ))}
        {actions && (
          <Td dataLabel="Actions" isActionCell>
            {actions(row)}
          </Td>
        )}
      </Tr>
    ));
  }

  return (
    <>
      <Toolbar id={`${id}-toolbar`}>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput
              id={`${id}-filter`}
              aria-label={filterLabel}
              placeholder="Filter"
              value={filter}
              onChange={(_event, value) => {
                setFilter(value);
                setPage(1);
              }}
              onClear={() => {
                setFilter('');
                setPage(1);
              }}
            />
          </ToolbarItem>
          {toolbarItems && <ToolbarGroup>{toolbarItems}</ToolbarGroup>}
          <ToolbarItem variant="pagination" align={{ default: 'alignEnd' }}>
            <Pagination
              widgetId={`${id}-pagination`}
              itemCount={sorted.length}
              page={shownPage}
              perPage={perPage}
              perPageOptions={PER_PAGE_OPTIONS}
              onSetPage={(_event, next) => setPage(next)}
              onPerPageSelect={(_event, next) => {
                setPerPage(next);
                setPage(1);
              }}
              titles={{ paginationAriaLabel: `${ariaLabel} pagination` }}
              isCompact
            />
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <Table aria-label={ariaLabel} variant="compact" aria-busy={loading || undefined}>
        <Thead>
          <Tr>
            {columns.map((column, index) => (
              <Th key={column.title} sort={column.sortable === false ? undefined : sortProps(index)} width={column.width}>
                {column.title}
              </Th>
            ))}
            {actions && <Th>Actions</Th>}
          </Tr>
        </Thead>
        <Tbody>{body}</Tbody>
      </Table>
    </>
  );
}
