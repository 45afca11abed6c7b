/**
 * Copies text with the async Clipboard API. Returns false when the browser refuses (no permission,
 * insecure context); the caller then tells the shopper to copy by hand.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    // Without a clipboard (an insecure context) this throws too.
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
