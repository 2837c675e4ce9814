import { ActionGroup, Button, Form, PageSection, Title } from '@patternfly/react-core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import { SelectField, TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { usePageTitle } from '../components/usePageTitle';

type Source = paths['/api/admin/system/logs/{source}']['get']['parameters']['path']['source'];

const SOURCES: ReadonlyArray<{ value: Source; label: string }> = [
  { value: 'gateway', label: 'Gateway' },
  { value: 'nginx-access', label: 'Web server (nginx) access' },
  { value: 'nginx-error', label: 'Web server (nginx) errors' },
  { value: 'firstboot', label: 'First boot' },
  { value: 'helper', label: 'Privileged helper' },
];
const LINES = 500;
/** The choices of the download; the API takes up to 256 MiB, or the whole log. */
const DOWNLOADS = [
  { value: '', label: 'The whole log' },
  { value: '1', label: 'The last 1 MiB' },
  { value: '10', label: 'The last 10 MiB' },
  { value: '100', label: 'The last 100 MiB' },
];

/**
 * Server Manager, View log files (MSL's panel of that name; issue #13): the newest lines of one of
 * the appliance's logs, newest at the bottom, optionally only those holding a text (the helper
 * filters, so the whole log is searched, not only what is shown), and the log as a text file.
 */
export function LogsPage() {
  usePageTitle('View log files – Server Manager');
  const [source, setSource] = useState<Source>('gateway');
  const [filterInput, setFilterInput] = useState('');
  const [filter, setFilter] = useState('');
  const [download, setDownload] = useState('');
  const shown = useRef<HTMLPreElement>(null);
  const label = SOURCES.find((s) => s.value === source)?.label ?? source;

  const log = useLoad(() => unwrap(api.GET('/api/admin/system/logs/{source}', { params: { path: { source }, query: { lines: LINES, ...(filter ? { filter } : {}) } } })));
  const { reload } = log;
  // useLoad loads once when the page opens; again when another log or filter is chosen.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current) void reload();
    opened.current = true;
  }, [source, filter, reload]);
  // Newest at the bottom, so the view opens there.
  useEffect(() => {
    if (shown.current) shown.current.scrollTop = shown.current.scrollHeight;
  }, [log.data]);

  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    if (filterInput === filter) void reload();
    else setFilter(filterInput);
  };
  const data = log.data?.source === source ? log.data : undefined;
  const downloadUrl = `/api/admin/system/logs/${encodeURIComponent(source)}/download${download ? `?lastMiB=${download}` : ''}`;

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        View log files
      </Title>
      <Panel id="log-choice" title="Log">
        <Form onSubmit={applyFilter} noValidate maxWidth="36rem" aria-label="Choose and filter a log">
          <SelectField id="log-source" label="Log file" value={source} onChange={(next) => setSource(next as Source)} options={SOURCES} />
          <TextField
            id="log-filter"
            label="Show only lines holding"
            hint="Case does not matter; empty: every line. The whole log is searched, newest first."
            value={filterInput}
            onChange={setFilterInput}
          />
          <ActionGroup>
            <Button type="submit" variant="primary" isLoading={log.loading} isDisabled={log.loading}>
              {filterInput ? 'Filter' : 'Refresh'}
            </Button>
            {filter && (
              <Button
                variant="secondary"
                onClick={() => {
                  setFilterInput('');
                  setFilter('');
                }}
              >
                Show every line
              </Button>
            )}
          </ActionGroup>
        </Form>
      </Panel>
      <Panel id="log-lines" title={`${label}: the newest lines`}>
        {log.error !== undefined && <ErrorAlert error={log.error} context="The log could not be read." />}
        {data && (
          <>
            <p id="log-summary" className="oig-gap">
              {data.lines.length === 0
                ? data.filter
                  ? `No line holds “${data.filter}”.`
                  : 'The log is empty.'
                : `${data.lines.length} ${data.lines.length === 1 ? 'line' : 'lines'}${data.filter ? ` holding “${data.filter}”` : ''}, the newest at the bottom${data.complete ? '.' : '; older ones are not shown (download the log for them).'}`}
            </p>
            {data.lines.length > 0 && (
              // Focusable, so the keyboard can scroll it.
              <pre id="log-text" ref={shown} className="oig-log" tabIndex={0} aria-label={`${label} log, the newest lines`}>
                {data.lines.join('\n')}
              </pre>
            )}
          </>
        )}
      </Panel>
      <Panel id="log-download" title="Download">
        <Form maxWidth="36rem" aria-label="Download the log" onSubmit={(event) => event.preventDefault()}>
          <SelectField id="log-download-size" label="What to download" value={download} onChange={setDownload} options={DOWNLOADS} />
          <ActionGroup>
            <Button id="log-download-button" component="a" variant="secondary" href={downloadUrl} download>
              Download the {label.charAt(0).toLowerCase() + label.slice(1)} log
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
    </PageSection>
  );
}
