/**
 * @module lib/use-page-title
 * Sets document.title per page, so tabs, history and screen readers say where you are.
 */
import { useEffect } from 'react';

export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Ward` : 'Ward';
  }, [title]);
}
