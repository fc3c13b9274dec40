/**
 * Read-aloud with the Web Speech API, in the page's language. Phones differ:
 * some have no speech at all, many cheap ones have no Vietnamese voice
 * until one is downloaded. `voiceState` says which, so the button can say
 * so instead of staying silent.
 */
import { useEffect, useState } from 'preact/hooks';

export type VoiceState = 'checking' | 'ready' | 'no-voice' | 'no-speech';

/** The best voice for `lng` (`vi` or `en`), or null. */
export function voiceFor(lng: string): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const voices = speechSynthesis.getVoices();
  const mine = voices.filter((v) => v.lang.toLowerCase().replace('_', '-').startsWith(lng));
  return mine.find((v) => v.localService) ?? mine[0] ?? null;
}

/** Whether the phone can read `lng` aloud; voices load late, so this waits a moment for them. */
export function useVoice(lng: string): VoiceState {
  const [state, setState] = useState<VoiceState>(() =>
    typeof speechSynthesis === 'undefined' ? 'no-speech' : voiceFor(lng) ? 'ready' : 'checking',
  );
  useEffect(() => {
    if (typeof speechSynthesis === 'undefined') return;
    const check = () => setState(voiceFor(lng) ? 'ready' : 'no-voice');
    const onVoices = () => check();
    speechSynthesis.addEventListener('voiceschanged', onVoices);
    // Voices that never come: after a moment, say there are none.
    const timer = setTimeout(check, 1500);
    if (voiceFor(lng)) check();
    return () => {
      clearTimeout(timer);
      speechSynthesis.removeEventListener('voiceschanged', onVoices);
      speechSynthesis.cancel();
    };
  }, [lng]);
  return state;
}

/** Reads `text` aloud; `onEnd` when it is over or stopped. */
export function speak(text: string, lng: string, onEnd: () => void): void {
  const voice = voiceFor(lng);
  if (!voice) return onEnd();
  speechSynthesis.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  u.rate = 0.9; // a little slower than the default, for older listeners
  u.onend = onEnd;
  u.onerror = onEnd;
  speechSynthesis.speak(u);
}

export function stopSpeaking(): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
}
