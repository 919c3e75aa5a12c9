<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>The hub request failed: {reason}</source>
        <translation>Die Anfrage an den Hub ist fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min left</source>
        <extracomment>The row&apos;s DownloadStatus.</extracomment>
        <translation>noch {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s left</source>
        <translation>noch {minutes} min {seconds} s</translation>
    </message>
    <message>
        <source>{seconds} s left</source>
        <translation>noch {seconds} s</translation>
    </message>
    <message>
        <source>{done} of {size}</source>
        <translation>{done} von {size}</translation>
    </message>
    <message>
        <source>{size} · verified (SHA-256), in the library</source>
        <translation>{size} · geprüft (SHA-256), in der Bibliothek</translation>
    </message>
    <message>
        <source>{amount} · waiting</source>
        <translation>{amount} · wartet</translation>
    </message>
    <message>
        <source>Copy this code</source>
        <translation>Diesen Code kopieren</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistent</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Vorherige Version</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Version</translation>
    </message>
    <message>
        <source>Hide the model&apos;s thinking</source>
        <translation>Den Gedankengang des Modells ausblenden</translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking</source>
        <translation>Den Gedankengang des Modells zeigen</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>Diese Nachricht kopieren</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Edit and send as a new version</source>
        <translation>Bearbeiten und als neue Version senden</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <source>Write a new reply beside this one</source>
        <translation>Eine neue Antwort neben dieser schreiben</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Generate the rest of this reply</source>
        <translation>Den Rest dieser Antwort erzeugen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Try this reply again</source>
        <translation>Diese Antwort noch einmal versuchen</translation>
    </message>
    <message>
        <source>Write a new reply</source>
        <translation>Eine neue Antwort schreiben</translation>
    </message>
    <message>
        <source>Continue anyway</source>
        <translation>Trotzdem fortsetzen</translation>
    </message>
    <message>
        <source>Generate more of this reply, without the repetition check</source>
        <translation>Diese Antwort weiterschreiben, ohne die Wiederholungsprüfung</translation>
    </message>
    <message>
        <source>Generate more of this reply</source>
        <translation>Diese Antwort weiterschreiben</translation>
    </message>
    <message>
        <source>Copy this reply as Markdown</source>
        <translation>Diese Antwort als Markdown kopieren</translation>
    </message>
    <message>
        <source>Hide stats</source>
        <translation>Statistik ausblenden</translation>
    </message>
    <message>
        <source>Stats</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Speed, tokens and what produced this reply</source>
        <translation>Geschwindigkeit, Tokens und womit diese Antwort entstand</translation>
    </message>
    <message>
        <source>{provider} (remote): asking for its models…</source>
        <translation>{provider} (entfernt): fragt nach den Modellen…</translation>
    </message>
    <message>
        <source>⚠ {provider} (remote): {error}</source>
        <translation>⚠ {provider} (entfernt): {error}</translation>
    </message>
    <message>
        <source>{provider} (remote): serves no models</source>
        <translation>{provider} (entfernt): bietet keine Modelle an</translation>
    </message>
    <message>
        <source>It needs about {size} of memory: {why}.</source>
        <translation>Es braucht etwa {size} Speicher: {why}.</translation>
    </message>
    <message>
        <source>GPU: {gpu}.</source>
        <translation>GPU: {gpu}.</translation>
    </message>
    <message>
        <source>Load this model?</source>
        <translation>Dieses Modell laden?</translation>
    </message>
    <message>
        <source>{problem}

Loading it may fail or make the system slow. Load it anyway?</source>
        <translation>{problem}

Das Laden kann fehlschlagen oder das System verlangsamen. Trotzdem laden?</translation>
    </message>
    <message>
        <source>Extra headers, line {number}: write it as Name: value.</source>
        <translation>Zusätzliche Header, Zeile {number}: schreiben Sie sie als Name: Wert.</translation>
    </message>
    <message>
        <source>✓ The server answered, but serves no models.</source>
        <translation>✓ Der Server hat geantwortet, bietet aber keine Modelle an.</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> und {count} weitere</translation>
    </message>
    <message numerus="yes">
        <source>✓ %n model(s): {models}</source>
        <translation>
            <numerusform>✓ %n Modell: {models}</numerusform>
            <numerusform>✓ %n Modelle: {models}</numerusform>
        </translation>
    </message>
    <message>
        <source>⚠ TLS certificate not checked</source>
        <translation>⚠ TLS-Zertifikat wird nicht geprüft</translation>
    </message>
    <message>
        <source>headers {names}</source>
        <translation>Header {names}</translation>
    </message>
    <message>
        <source>the key is required</source>
        <translation>der Schlüssel ist nötig</translation>
    </message>
    <message>
        <source>no key needed from this computer</source>
        <translation>von diesem Computer aus kein Schlüssel nötig</translation>
    </message>
    <message>
        <source>Running at {url} · {rule}</source>
        <translation>Läuft unter {url} · {rule}</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Could not start: {reason}</source>
        <translation>Konnte nicht starten: {reason}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>this computer only</source>
        <translation>nur dieser Computer</translation>
    </message>
    <message>
        <source>other machines can connect; the key is required</source>
        <translation>andere Rechner können sich verbinden; der Schlüssel ist nötig</translation>
    </message>
    <message>
        <source>API on :{port}</source>
        <translation>API an :{port}</translation>
    </message>
    <message>
        <source>The API server runs at {url} ({reach}).</source>
        <translation>Der API-Server läuft unter {url} ({reach}).</translation>
    </message>
    <message>
        <source>API starting…</source>
        <translation>API startet…</translation>
    </message>
    <message>
        <source>The API server is starting.</source>
        <translation>Der API-Server startet.</translation>
    </message>
    <message>
        <source>API off: failed</source>
        <translation>API aus: Fehler</translation>
    </message>
    <message>
        <source>The API server could not start: {reason}</source>
        <translation>Der API-Server konnte nicht starten: {reason}</translation>
    </message>
    <message>
        <source>Waiting for {provider}…</source>
        <translation>Warte auf {provider}…</translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n request(s) from another app to finish…</source>
        <translation>
            <numerusform>Warte, bis %n Anfrage einer anderen App fertig ist…</numerusform>
            <numerusform>Warte, bis %n Anfragen anderer Apps fertig sind…</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for the comparison: this reply starts when its current target finishes…</source>
        <translation>Warte auf den Vergleich: Diese Antwort beginnt, sobald sein aktuelles Ziel fertig ist…</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON, lossless (*.json)</source>
        <translation>Markdown (*.md);;JSON, verlustfrei (*.json)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>&amp;Neuer Chat</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>&amp;Umbenennen</translation>
    </message>
    <message>
        <source>Chat &amp;settings…</source>
        <translation>Chat-&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Providers…</source>
        <translation>&amp;Anbieter…</translation>
    </message>
    <message>
        <source>Remote servers (OpenAI-compatible) whose models you can chat with</source>
        <translation>Entfernte Server (OpenAI-kompatibel), mit deren Modellen Sie chatten können</translation>
    </message>
    <message>
        <source>&amp;Export this chat…</source>
        <translation>Diesen Chat e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export &amp;all chats…</source>
        <translation>A&amp;lle Chats exportieren…</translation>
    </message>
    <message>
        <source>&amp;Import chats…</source>
        <translation>Chats &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Search chats</source>
        <translation>Chats &amp;durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Previous chat</source>
        <translation>&amp;Vorheriger Chat</translation>
    </message>
    <message>
        <source>&amp;Next chat</source>
        <translation>&amp;Nächster Chat</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Dem &amp;System folgen</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>Hoher &amp;Kontrast</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;API server…</source>
        <translation>&amp;API-Server…</translation>
    </message>
    <message>
        <source>Let other apps use the model through the OpenAI-compatible API</source>
        <translation>Andere Apps das Modell über die OpenAI-kompatible API nutzen lassen</translation>
    </message>
    <message>
        <source>&amp;Compare models…</source>
        <translation>Modelle &amp;vergleichen…</translation>
    </message>
    <message>
        <source>One prompt to 2-4 models or settings, replies and speeds side by side</source>
        <translation>Ein Prompt an 2–4 Modelle oder Einstellungen, Antworten und Geschwindigkeiten nebeneinander</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>{path} konnte nicht geschrieben werden: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>%n Chat nach {path} exportiert</numerusform>
            <numerusform>%n Chats nach {path} exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>There is no saved chat to export yet.</source>
        <translation>Es gibt noch keinen gespeicherten Chat zum Exportieren.</translation>
    </message>
    <message>
        <source>Export chats</source>
        <translation>Chats exportieren</translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation>Chat exportieren</translation>
    </message>
    <message>
        <source>Could not read {path}: {reason}</source>
        <translation>{path} konnte nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <source>{reason}; nothing was imported.</source>
        <translation>{reason}; es wurde nichts importiert.</translation>
    </message>
    <message numerus="yes">
        <source>; %n already here</source>
        <translation>
            <numerusform>; %n war schon da</numerusform>
            <numerusform>; %n waren schon da</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s)</source>
        <translation>
            <numerusform>%n Chat importiert</numerusform>
            <numerusform>%n Chats importiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n message(s))</source>
        <translation>
            <numerusform> (%n Nachricht)</numerusform>
            <numerusform> (%n Nachrichten)</numerusform>
        </translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>Chats importieren</translation>
    </message>
    <message>
        <source>Slice export (*.json)</source>
        <translation>Slice-Export (*.json)</translation>
    </message>
</context>
<context>
    <name>Announcement</name>
    <message>
        <source>Reply finished</source>
        <translation>Antwort fertig</translation>
    </message>
    <message>
        <source>Reply stopped: you stopped it</source>
        <translation>Antwort angehalten: Sie haben sie angehalten</translation>
    </message>
    <message>
        <source>Reply stopped at the length limit</source>
        <translation>Antwort an der Längengrenze angehalten</translation>
    </message>
    <message>
        <source>Reply stopped: the context is full</source>
        <translation>Antwort angehalten: der Kontext ist voll</translation>
    </message>
    <message>
        <source>Reply stopped: it kept repeating itself</source>
        <translation>Antwort angehalten: sie wiederholte sich ständig</translation>
    </message>
    <message>
        <source>Reply ended</source>
        <translation>Antwort beendet</translation>
    </message>
    <message>
        <source>{ending}, with no text.</source>
        <translation>{ending}, ohne Text.</translation>
    </message>
    <message>
        <source>{ending}: {words}</source>
        <translation>{ending}: {words}</translation>
    </message>
</context>
<context>
    <name>AppText</name>
    <message>
        <source>Context size (tokens)</source>
        <translation>Kontextgröße (Tokens)</translation>
    </message>
    <message>
        <source>How many tokens of conversation the model sees at once; more takes more memory.</source>
        <translation>Wie viele Tokens des Gesprächs das Modell auf einmal sieht; mehr braucht mehr Speicher.</translation>
    </message>
    <message>
        <source>Threads (generation)</source>
        <translation>Threads (Erzeugung)</translation>
    </message>
    <message>
        <source>Threads that generate the reply; 0: one per physical core.</source>
        <translation>Threads, die die Antwort erzeugen; 0: einer pro physischem Kern.</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>Threads (prompt)</source>
        <translation>Threads (Prompt)</translation>
    </message>
    <message>
        <source>Threads that read the prompt; 0: all logical cores.</source>
        <translation>Threads, die den Prompt lesen; 0: alle logischen Kerne.</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batch-Größe</translation>
    </message>
    <message>
        <source>Prompt tokens processed per step; larger reads long prompts faster and takes more memory.</source>
        <translation>Prompt-Tokens pro Schritt; größer liest lange Prompts schneller und braucht mehr Speicher.</translation>
    </message>
    <message>
        <source>Micro-batch size</source>
        <translation>Micro-Batch-Größe</translation>
    </message>
    <message>
        <source>Prompt tokens per compute pass (at most the batch size).</source>
        <translation>Prompt-Tokens pro Rechendurchgang (höchstens die Batch-Größe).</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU-Schichten</translation>
    </message>
    <message>
        <source>Layers of the model to put on the GPU. Auto: as many as the memory estimate says fit in the free VRAM at load time; 0: CPU only; a number: exactly that many (more than the model has: all of it).</source>
        <translation>Schichten des Modells, die auf die GPU kommen. Auto: so viele, wie laut Speicherschätzung beim Laden in den freien VRAM passen; 0: nur CPU; eine Zahl: genau so viele (mehr, als das Modell hat: alle).</translation>
    </message>
    <message>
        <source>Auto (as many as fit)</source>
        <translation>Auto (so viele wie passen)</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <source>Faster attention that uses less memory; a quantized KV cache needs it.</source>
        <translation>Schnellere Attention mit weniger Speicher; ein quantisierter KV-Cache braucht sie.</translation>
    </message>
    <message>
        <source>Map the file into memory (mmap)</source>
        <translation>Datei in den Speicher abbilden (mmap)</translation>
    </message>
    <message>
        <source>Map the model file instead of reading it into RAM.</source>
        <translation>Die Modelldatei abbilden, statt sie in den RAM zu lesen.</translation>
    </message>
    <message>
        <source>Lock the model in RAM (mlock)</source>
        <translation>Modell im RAM festhalten (mlock)</translation>
    </message>
    <message>
        <source>Keep the model in RAM so the OS never pages it out.</source>
        <translation>Das Modell im RAM halten, damit das Betriebssystem es nie auslagert.</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV-Cache-Typ</translation>
    </message>
    <message>
        <source>Precision of the context cache: f16, or the smaller q8_0 and q4_0 (which need flash attention).</source>
        <translation>Genauigkeit des Kontext-Caches: f16 oder die kleineren q8_0 und q4_0 (die Flash Attention brauchen).</translation>
    </message>
    <message>
        <source>Warm up after loading</source>
        <translation>Nach dem Laden aufwärmen</translation>
    </message>
    <message>
        <source>One decode right after the load, so the first reply pays no page faults.</source>
        <translation>Ein Decodierschritt direkt nach dem Laden, damit die erste Antwort keine Seitenfehler abbekommt.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Randomness of the reply; 0 always picks the likeliest token.</source>
        <translation>Zufälligkeit der Antwort; 0 wählt immer das wahrscheinlichste Token.</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Sample only from the likeliest tokens that together hold this share of the probability.</source>
        <translation>Nur aus den wahrscheinlichsten Tokens wählen, die zusammen diesen Anteil der Wahrscheinlichkeit haben.</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Sample only from this many likeliest tokens; 0: no limit.</source>
        <translation>Nur aus so vielen der wahrscheinlichsten Tokens wählen; 0: keine Grenze.</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Drop tokens less likely than this share of the likeliest one&apos;s.</source>
        <translation>Tokens verwerfen, die unwahrscheinlicher sind als dieser Anteil der Wahrscheinlichkeit des wahrscheinlichsten.</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>Wiederholungsstrafe</translation>
    </message>
    <message>
        <source>Above 1 makes repeating recent tokens less likely; 1: off.</source>
        <translation>Über 1 macht das Wiederholen kürzlicher Tokens unwahrscheinlicher; 1: aus.</translation>
    </message>
    <message>
        <source>Frequency penalty</source>
        <translation>Häufigkeitsstrafe</translation>
    </message>
    <message>
        <source>Above 0 makes a token less likely the more often it already appeared in the reply; 0: off.</source>
        <translation>Über 0 macht ein Token umso unwahrscheinlicher, je öfter es schon in der Antwort vorkam; 0: aus.</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>Präsenzstrafe</translation>
    </message>
    <message>
        <source>Above 0 makes any token that already appeared less likely; 0: off.</source>
        <translation>Über 0 macht jedes schon vorgekommene Token unwahrscheinlicher; 0: aus.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>The same seed, prompt and settings give the same reply; -1: random.</source>
        <translation>Gleicher Seed, Prompt und gleiche Einstellungen ergeben dieselbe Antwort; -1: zufällig.</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Höchstzahl Tokens</translation>
    </message>
    <message>
        <source>Most tokens to generate; 0: until the context is full.</source>
        <translation>Höchstens so viele Tokens erzeugen; 0: bis der Kontext voll ist.</translation>
    </message>
    <message>
        <source>until the context is full</source>
        <translation>bis der Kontext voll ist</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Standardmodell</translation>
    </message>
    <message>
        <source>The model Slice opens with.</source>
        <translation>Das Modell, mit dem Slice startet.</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Systemprompt</translation>
    </message>
    <message>
        <source>Instructions the model gets before each chat.</source>
        <translation>Anweisungen, die das Modell vor jedem Chat bekommt.</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Farbschema</translation>
    </message>
    <message>
        <source>Follow the system&apos;s colours, or always light or dark.</source>
        <translation>Den Farben des Systems folgen oder immer hell oder dunkel.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The window&apos;s language: the system&apos;s, or a language code (en, de, es); a change takes effect at the next start.</source>
        <translation>Die Sprache des Fensters: die des Systems oder ein Sprachcode (en, de, es); eine Änderung gilt ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>Text size (%)</source>
        <translation>Textgröße (%)</translation>
    </message>
    <message>
        <source>The window&apos;s text size, in percent of the system&apos;s (View ▸ Zoom in, Zoom out, Actual size).</source>
        <translation>Die Textgröße des Fensters, in Prozent der des Systems (Ansicht ▸ Vergrößern, Verkleinern, Originalgröße).</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Sampling</translation>
    </message>
    <message>
        <source>The sampling you chose for every chat; what you leave unset follows the model&apos;s recommendation.</source>
        <translation>Das Sampling, das Sie für jeden Chat gewählt haben; was Sie nicht festlegen, folgt der Empfehlung des Modells.</translation>
    </message>
    <message>
        <source>When the context is full</source>
        <translation>Wenn der Kontext voll ist</translation>
    </message>
    <message>
        <source>Stop at the limit, drop the oldest turns but keep the system prompt, or a rolling window.</source>
        <translation>Am Limit anhalten, die ältesten Runden verwerfen und den Systemprompt behalten, oder ein gleitendes Fenster.</translation>
    </message>
    <message>
        <source>Speculative decoding (prompt lookup)</source>
        <translation>Spekulatives Decodieren (Prompt-Lookup)</translation>
    </message>
    <message>
        <source>Guesses upcoming tokens from text already in the conversation and checks several at once. Fast when a reply repeats earlier text (code edits); turns itself down when guesses miss.</source>
        <translation>Errät kommende Tokens aus Text, der schon im Gespräch steht, und prüft mehrere auf einmal. Schnell, wenn eine Antwort früheren Text wiederholt (Code-Änderungen); fährt sich zurück, wenn die Vermutungen danebenliegen.</translation>
    </message>
    <message>
        <source>Stop replies that repeat themselves</source>
        <translation>Antworten anhalten, die sich wiederholen</translation>
    </message>
    <message>
        <source>Ends a reply that has fallen into a loop (the same sentences written again and again) instead of letting it run to the length limit; Continue carries on anyway.</source>
        <translation>Beendet eine Antwort, die in eine Schleife geraten ist (immer wieder dieselben Sätze), statt sie bis zum Längenlimit laufen zu lassen; „Fortsetzen“ macht trotzdem weiter.</translation>
    </message>
    <message>
        <source>Cache of recent chats</source>
        <translation>Cache der letzten Chats</translation>
    </message>
    <message>
        <source>Memory for the model&apos;s cache of chats you switched away from: returning to one resumes at once instead of re-reading its history. 0 turns it off.</source>
        <translation>Speicher für den Cache des Modells mit Chats, aus denen Sie gewechselt haben: Bei der Rückkehr geht es sofort weiter, statt den Verlauf neu zu lesen. 0 schaltet ihn aus.</translation>
    </message>
    <message>
        <source>Cache of recent chats on disk</source>
        <translation>Cache der letzten Chats auf der Festplatte</translation>
    </message>
    <message>
        <source>Disk space for the chats that do not fit in that memory and, when the model is unloaded or Slice quits, for the ones it held, in Slice&apos;s cache folder (readable only by you; the least recently used go first): a chat reopened after a restart resumes at once. A deleted chat&apos;s cache goes with it; Clear the cache deletes them all. 0 turns it off (what is there stays until cleared).</source>
        <translation>Speicherplatz für die Chats, die nicht in diesen Speicher passen, und – wenn das Modell entladen wird oder Slice beendet wird – für die, die er hielt, im Cache-Ordner von Slice (nur für Sie lesbar; die am längsten nicht genutzten gehen zuerst): Ein nach einem Neustart wieder geöffneter Chat macht sofort weiter. Der Cache eines gelöschten Chats geht mit ihm; Cache leeren löscht alle. 0 schaltet ihn aus (was da ist, bleibt, bis es geleert wird).</translation>
    </message>
    <message>
        <source>Serve the API</source>
        <translation>API bereitstellen</translation>
    </message>
    <message>
        <source>Let other apps on this computer use Slice&apos;s model through the OpenAI-compatible API.</source>
        <translation>Andere Apps auf diesem Computer das Modell von Slice über die OpenAI-kompatible API nutzen lassen.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>127.0.0.1 serves this computer only. Any other address lets other machines connect, and then every request needs the API key.</source>
        <translation>127.0.0.1 bedient nur diesen Computer. Jede andere Adresse lässt andere Rechner zu, und dann braucht jede Anfrage den API-Schlüssel.</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>The TCP port the server listens on.</source>
        <translation>Der TCP-Port, auf dem der Server lauscht.</translation>
    </message>
    <message>
        <source>Require the API key</source>
        <translation>API-Schlüssel verlangen</translation>
    </message>
    <message>
        <source>Every request must carry the key. Off lets programs on this computer connect without it; always required when other machines can connect.</source>
        <translation>Jede Anfrage muss den Schlüssel mitbringen. Aus lässt Programme auf diesem Computer ohne ihn zu; immer nötig, wenn andere Rechner sich verbinden können.</translation>
    </message>
    <message>
        <source>Browser origins allowed</source>
        <translation>Erlaubte Browser-Ursprünge</translation>
    </message>
    <message>
        <source>Web pages at these origins (for example http://localhost:3000) may call the API from a browser; none by default.</source>
        <translation>Webseiten dieser Ursprünge (zum Beispiel http://localhost:3000) dürfen die API aus einem Browser aufrufen; standardmäßig keine.</translation>
    </message>
    <message>
        <source>Queued requests</source>
        <translation>Anfragen in der Warteschlange</translation>
    </message>
    <message>
        <source>API requests that may wait for the model; past this, a request is answered 503 with Retry-After.</source>
        <translation>API-Anfragen, die auf das Modell warten dürfen; darüber hinaus wird eine Anfrage mit 503 und Retry-After beantwortet.</translation>
    </message>
    <message>
        <source>Unload the model when idle</source>
        <translation>Modell bei Leerlauf entladen</translation>
    </message>
    <message>
        <source>Minutes without requests after which the model is unloaded to free memory (the next request loads it again); 0: never.</source>
        <translation>Minuten ohne Anfragen, nach denen das Modell entladen wird, um Speicher freizugeben (die nächste Anfrage lädt es wieder); 0: nie.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Most tokens per API reply</source>
        <translation>Höchstzahl Tokens pro API-Antwort</translation>
    </message>
    <message>
        <source>A request may not ask for more tokens than this.</source>
        <translation>Eine Anfrage darf nicht mehr Tokens verlangen.</translation>
    </message>
    <message>
        <source>changed in this chat</source>
        <translation>in diesem Chat geändert</translation>
    </message>
    <message>
        <source>your setting</source>
        <translation>Ihre Einstellung</translation>
    </message>
    <message>
        <source>Slice&apos;s default</source>
        <translation>Standard von Slice</translation>
    </message>
    <message>
        <source>preset {name}</source>
        <translation>Voreinstellung {name}</translation>
    </message>
    <message>
        <source>Precise</source>
        <translation>Präzise</translation>
    </message>
    <message>
        <source>Balanced</source>
        <translation>Ausgewogen</translation>
    </message>
    <message>
        <source>Creative</source>
        <translation>Kreativ</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>from the model file</source>
        <translation>aus der Modelldatei</translation>
    </message>
    <message>
        <source>fits the context</source>
        <translation>passt in den Kontext</translation>
    </message>
    <message>
        <source>Slice&apos;s default for {label}</source>
        <translation>Standard von Slice für {label}</translation>
    </message>
    <message>
        <source>a quantized KV cache needs flash attention</source>
        <translation>ein quantisierter KV-Cache braucht Flash Attention</translation>
    </message>
    <message>
        <source>end of turn</source>
        <translation>Antwortende</translation>
    </message>
    <message>
        <source>length limit</source>
        <translation>Längenlimit</translation>
    </message>
    <message>
        <source>stop string</source>
        <translation>Stopp-Zeichenfolge</translation>
    </message>
    <message>
        <source>stopped by user</source>
        <translation>vom Benutzer gestoppt</translation>
    </message>
    <message>
        <source>context full</source>
        <translation>Kontext voll</translation>
    </message>
    <message>
        <source>repetition</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Denkt nach…</translation>
    </message>
    <message>
        <source>Thought for {seconds} s</source>
        <translation>{seconds} s nachgedacht</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Gedankengang</translation>
    </message>
    <message>
        <source>starter</source>
        <translation>Startmodell</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>importiert</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>heruntergeladen</translation>
    </message>
    <message>
        <source>downloaded from {repo}@{commit}</source>
        <translation>heruntergeladen von {repo}@{commit}</translation>
    </message>
    <message>
        <source>imported (watched folder {folder})</source>
        <translation>importiert (beobachteter Ordner {folder})</translation>
    </message>
    <message>
        <source>fits</source>
        <translation>passt</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>knapp</translation>
    </message>
    <message>
        <source>won&apos;t fit</source>
        <translation>passt nicht</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in der Warteschlange</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>wird heruntergeladen</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>the system keyring ({backend})</source>
        <translation>Schlüsselbund des Systems ({backend})</translation>
    </message>
    <message>
        <source>the file {path} (readable only by you)</source>
        <translation>Datei {path} (nur für Sie lesbar)</translation>
    </message>
    <message>
        <source>nowhere (cleared)</source>
        <translation>nirgends (gelöscht)</translation>
    </message>
    <message>
        <source>in {seconds} s</source>
        <translation>in {seconds} s</translation>
    </message>
    <message>
        <source>after {date}</source>
        <translation>nach {date}</translation>
    </message>
    <message>
        <source>in a moment</source>
        <translation>gleich</translation>
    </message>
    <message>
        <source>the key it has is refused</source>
        <translation>der hinterlegte Schlüssel wird abgelehnt</translation>
    </message>
    <message>
        <source>it asks for an API key and none is set</source>
        <translation>er verlangt einen API-Schlüssel, und keiner ist gesetzt</translation>
    </message>
    <message>
        <source>{name} did not accept the request ({detail}): {ask}. Set the right key for it in Chat ▸ Providers…, or with: slice-chat providers add &quot;{name}&quot; {url} --replace --key-stdin</source>
        <translation>{name} hat die Anfrage nicht angenommen ({detail}): {ask}. Setzen Sie den richtigen Schlüssel unter Chat ▸ Anbieter… oder mit: slice-chat providers add &quot;{name}&quot; {url} --replace --key-stdin</translation>
    </message>
    <message>
        <source>{name} has no model &apos;{model}&apos; ({detail}): it may have been removed or renamed. Pick another of its models (slice-chat providers list shows them).</source>
        <translation>{name} hat kein Modell „{model}“ ({detail}): Es wurde vielleicht entfernt oder umbenannt. Wählen Sie ein anderes seiner Modelle (slice-chat providers list zeigt sie).</translation>
    </message>
    <message>
        <source>{name} has nothing at {url} for this request ({detail}): check the provider&apos;s base URL (it usually ends in /v1), or pick another of its models.</source>
        <translation>{name} hat unter {url} nichts für diese Anfrage ({detail}): Prüfen Sie die Basis-URL des Anbieters (sie endet meist auf /v1) oder wählen Sie ein anderes seiner Modelle.</translation>
    </message>
    <message>
        <source>{name} is limiting how many requests it takes ({detail}). Try again {when}.</source>
        <translation>{name} begrenzt, wie viele Anfragen er annimmt ({detail}). Versuchen Sie es {when} erneut.</translation>
    </message>
    <message>
        <source>{name} failed to answer ({detail}). Try again {when}; if it keeps failing, look at the server&apos;s own log.</source>
        <translation>{name} konnte nicht antworten ({detail}). Versuchen Sie es {when} erneut; wenn es weiter fehlschlägt, sehen Sie im Protokoll des Servers nach.</translation>
    </message>
    <message>
        <source>{name} refused a request this large ({detail}): shorten the conversation, or start a new chat.</source>
        <translation>{name} hat eine so große Anfrage abgelehnt ({detail}): Kürzen Sie das Gespräch oder beginnen Sie einen neuen Chat.</translation>
    </message>
    <message>
        <source>{name} refused the request ({detail}): change what it names (a setting, or the conversation&apos;s length) and try again.</source>
        <translation>{name} hat die Anfrage abgelehnt ({detail}): Ändern Sie, was genannt wird (eine Einstellung oder die Länge des Gesprächs), und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>{name} at {host} did not take the connection within {seconds} s: check that the machine is on and reachable (a firewall may drop the connection).</source>
        <translation>{name} unter {host} hat die Verbindung nicht innerhalb von {seconds} s angenommen: Prüfen Sie, ob der Rechner eingeschaltet und erreichbar ist (eine Firewall kann die Verbindung verwerfen).</translation>
    </message>
    <message>
        <source>The name &apos;{host}&apos; of {name} could not be found (DNS): check the spelling of its base URL, or use the machine&apos;s IP address.</source>
        <translation>Der Name „{host}“ von {name} wurde nicht gefunden (DNS): Prüfen Sie die Schreibweise seiner Basis-URL oder nutzen Sie die IP-Adresse des Rechners.</translation>
    </message>
    <message>
        <source>{name} refused the connection at {host}: is its server running, and listening on that address? (slice-chat serve and llama-server listen only on 127.0.0.1 unless started with --host 0.0.0.0.)</source>
        <translation>{name} hat die Verbindung unter {host} abgelehnt: Läuft sein Server und lauscht er auf dieser Adresse? (slice-chat serve und llama-server lauschen nur auf 127.0.0.1, außer sie werden mit --host 0.0.0.0 gestartet.)</translation>
    </message>
    <message>
        <source>verification failed</source>
        <translation>Prüfung fehlgeschlagen</translation>
    </message>
    <message>
        <source>The certificate of {name} at {host} cannot be trusted ({reason}). If it is a self-signed certificate you trust, untick “Verify TLS certificates” for it in Chat ▸ Providers… (or add it with --insecure); otherwise fix the server&apos;s certificate.</source>
        <translation>Dem Zertifikat von {name} unter {host} kann nicht vertraut werden ({reason}). Ist es ein selbst signiertes Zertifikat, dem Sie vertrauen, nehmen Sie unter Chat ▸ Anbieter… das Häkchen bei „TLS-Zertifikate prüfen“ weg (oder fügen Sie ihn mit --insecure hinzu); sonst reparieren Sie das Zertifikat des Servers.</translation>
    </message>
    <message>
        <source>{name} at {host} does not speak HTTPS ({reason}): use http:// in its base URL (on a network you trust), or turn TLS on in the server.</source>
        <translation>{name} unter {host} spricht kein HTTPS ({reason}): Nutzen Sie http:// in seiner Basis-URL (in einem Netz, dem Sie vertrauen) oder schalten Sie TLS im Server ein.</translation>
    </message>
    <message>
        <source>The secure connection to {name} at {host} failed ({reason}): check the server&apos;s TLS setup, or its base URL.</source>
        <translation>Die sichere Verbindung zu {name} unter {host} ist fehlgeschlagen ({reason}): Prüfen Sie die TLS-Einrichtung des Servers oder seine Basis-URL.</translation>
    </message>
    <message>
        <source>Cannot reach {name} at {host} ({reason}): check the network connection and the provider&apos;s base URL.</source>
        <translation>{name} unter {host} ist nicht erreichbar ({reason}): Prüfen Sie die Netzwerkverbindung und die Basis-URL des Anbieters.</translation>
    </message>
    <message>
        <source>The reply was cut off: the connection to {name} broke ({reason}). The text so far is kept; try again when the server is back.</source>
        <translation>Die Antwort wurde abgeschnitten: Die Verbindung zu {name} ist abgebrochen ({reason}). Der bisherige Text bleibt erhalten; versuchen Sie es erneut, wenn der Server wieder da ist.</translation>
    </message>
    <message>
        <source>{name} at {host} did not answer in time ({reason}): try again; if it keeps happening, check the server.</source>
        <translation>{name} unter {host} hat nicht rechtzeitig geantwortet ({reason}): Versuchen Sie es erneut; wenn es wieder passiert, prüfen Sie den Server.</translation>
    </message>
    <message>
        <source>{name}&apos;s base URL cannot be used ({reason}): edit it in Chat ▸ Providers…</source>
        <translation>Die Basis-URL von {name} ist nicht verwendbar ({reason}): Bearbeiten Sie sie unter Chat ▸ Anbieter…</translation>
    </message>
    <message>
        <source>The connection to {name} at {host} broke before it answered ({reason}): try again; if it keeps happening, check the server and the network.</source>
        <translation>Die Verbindung zu {name} unter {host} ist vor der Antwort abgebrochen ({reason}): Versuchen Sie es erneut; wenn es wieder passiert, prüfen Sie Server und Netzwerk.</translation>
    </message>
    <message>
        <source>the server closed the connection</source>
        <translation>der Server hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>the connection was reset</source>
        <translation>die Verbindung wurde zurückgesetzt</translation>
    </message>
    <message>
        <source>The reply was cut off: {name} sent nothing for {seconds} s. The text so far is kept; try again, and if it keeps happening check the server.</source>
        <translation>Die Antwort wurde abgeschnitten: {name} hat {seconds} s lang nichts gesendet. Der bisherige Text bleibt erhalten; versuchen Sie es erneut und prüfen Sie den Server, wenn es wieder passiert.</translation>
    </message>
    <message>
        <source>{name} sent no reply within {seconds} s: it may be busy with other requests, or stuck. Try again, or check the server.</source>
        <translation>{name} hat innerhalb von {seconds} s keine Antwort gesendet: Er ist vielleicht mit anderen Anfragen beschäftigt oder hängt. Versuchen Sie es erneut oder prüfen Sie den Server.</translation>
    </message>
    <message>
        <source>The chat database was damaged ({problem}). Slice restored the backup of {when}; changes made after that backup are not in it. The damaged file was kept as {damaged}.</source>
        <translation>Die Chat-Datenbank war beschädigt ({problem}). Slice hat die Sicherung vom {when} wiederhergestellt; Änderungen nach dieser Sicherung sind nicht darin. Die beschädigte Datei wurde als {damaged} aufbewahrt.</translation>
    </message>
    <message>
        <source>The chat database was damaged ({problem}) and no usable backup was found, so Slice started a new one. The damaged file was kept as {damaged}.</source>
        <translation>Die Chat-Datenbank war beschädigt ({problem}), und es wurde keine brauchbare Sicherung gefunden; daher hat Slice eine neue angelegt. Die beschädigte Datei wurde als {damaged} aufbewahrt.</translation>
    </message>
    <message>
        <source>TTFT</source>
        <translation>TTFT</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Prompt tok/s</source>
        <translation>Prompt tok/s</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Erzeugt</translation>
    </message>
    <message>
        <source>Gen tok/s</source>
        <translation>Erz. tok/s</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Spitzenspeicher</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>nicht gelaufen</translation>
    </message>
    <message>
        <source>{prompt} ({cached} cached)</source>
        <translation>{prompt} ({cached} aus dem Cache)</translation>
    </message>
    <message>
        <source>speeds from the server</source>
        <translation>Geschwindigkeiten vom Server</translation>
    </message>
    <message>
        <source>speeds measured here</source>
        <translation>Geschwindigkeiten hier gemessen</translation>
    </message>
    <message>
        <source>peak resident memory of the model process (VmHWM, reset for this target)</source>
        <translation>höchster residenter Speicher des Modellprozesses (VmHWM, für dieses Ziel zurückgesetzt)</translation>
    </message>
    <message>
        <source>highest resident memory of the model process seen every 0.25 s (VmRSS; this system does not let Slice reset VmHWM)</source>
        <translation>höchster residenter Speicher des Modellprozesses, alle 0,25 s abgelesen (VmRSS; dieses System lässt Slice VmHWM nicht zurücksetzen)</translation>
    </message>
    <message>
        <source>not measured: Slice reads a process&apos;s peak memory on Linux only</source>
        <translation>nicht gemessen: Slice liest den Spitzenspeicher eines Prozesses nur unter Linux</translation>
    </message>
    <message>
        <source>not measured: the model process was not running</source>
        <translation>nicht gemessen: der Modellprozess lief nicht</translation>
    </message>
    <message>
        <source>not measured: the model runs on {provider}&apos;s server</source>
        <translation>nicht gemessen: das Modell läuft auf dem Server von {provider}</translation>
    </message>
    <message>
        <source>Same model, every quantization in the library</source>
        <translation>Gleiches Modell, jede Quantisierung in der Bibliothek</translation>
    </message>
    <message>
        <source>Same model, KV cache f16 vs q8_0</source>
        <translation>Gleiches Modell, KV-Cache f16 gegen q8_0</translation>
    </message>
    <message>
        <source>Speculative decoding on vs off</source>
        <translation>Spekulatives Decodieren an gegen aus</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Die Nachricht senden</translation>
    </message>
    <message>
        <source>Shift+Enter</source>
        <translation>Umschalt+Eingabe</translation>
    </message>
    <message>
        <source>Start a new line in the message</source>
        <translation>Eine neue Zeile in der Nachricht beginnen</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Stop the reply · cancel an edit · leave the search</source>
        <translation>Antwort anhalten · Bearbeitung abbrechen · Suche verlassen</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Strg+N</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Strg+F</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Alle Chats durchsuchen</translation>
    </message>
    <message>
        <source>Ctrl+Up / Ctrl+Down</source>
        <translation>Strg+Pfeil hoch / Strg+Pfeil runter</translation>
    </message>
    <message>
        <source>Previous / next chat</source>
        <translation>Vorheriger / nächster Chat</translation>
    </message>
    <message>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <source>Rename the chat</source>
        <translation>Den Chat umbenennen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Entf</translation>
    </message>
    <message>
        <source>Delete the chat (in the chat list)</source>
        <translation>Den Chat löschen (in der Chatliste)</translation>
    </message>
    <message>
        <source>Ctrl+Z</source>
        <translation>Strg+Z</translation>
    </message>
    <message>
        <source>Undo deleting a chat</source>
        <translation>Das Löschen eines Chats rückgängig machen</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Strg+,</translation>
    </message>
    <message>
        <source>Chat settings: system prompt, sampling, presets</source>
        <translation>Chat-Einstellungen: Systemprompt, Sampling, Voreinstellungen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+K</source>
        <translation>Strg+Umschalt+K</translation>
    </message>
    <message>
        <source>Compare models and settings side by side</source>
        <translation>Modelle und Einstellungen nebeneinander vergleichen</translation>
    </message>
    <message>
        <source>Tab, then Enter</source>
        <translation>Tab, dann Eingabe</translation>
    </message>
    <message>
        <source>Reach and use a message&apos;s links (copy, edit, versions…)</source>
        <translation>Die Links einer Nachricht erreichen und nutzen (kopieren, bearbeiten, Versionen…)</translation>
    </message>
    <message>
        <source>F1 or ?</source>
        <translation>F1 oder ?</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Diese Liste</translation>
    </message>
    <message>
        <source>Ctrl+Q</source>
        <translation>Strg+Q</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Alt+Up / Alt+Down</source>
        <translation>Alt+Pfeil hoch / Alt+Pfeil runter</translation>
    </message>
    <message>
        <source>Previous / next message (then Tab reaches its actions)</source>
        <translation>Vorherige / nächste Nachricht (dann erreicht Tab ihre Aktionen)</translation>
    </message>
    <message>
        <source>Ctrl+Tab</source>
        <translation>Strg+Tab</translation>
    </message>
    <message>
        <source>Leave the conversation (Tab goes from link to link in it)</source>
        <translation>Die Unterhaltung verlassen (Tab geht darin von Link zu Link)</translation>
    </message>
    <message>
        <source>Ctrl++ / Ctrl+-</source>
        <translation>Strg++ / Strg+-</translation>
    </message>
    <message>
        <source>Larger / smaller text</source>
        <translation>Größerer / kleinerer Text</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Strg+0</translation>
    </message>
    <message>
        <source>Text at its usual size</source>
        <translation>Text in normaler Größe</translation>
    </message>
</context>
<context>
    <name>ChatListModel</name>
    <message>
        <source>Untitled chat</source>
        <translation>Chat ohne Titel</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Älter</translation>
    </message>
    <message>
        <source>{title}
Last active {stamp} · chat {id}</source>
        <extracomment>A rename was refused; the message says why. A chat was renamed in place (its id).</extracomment>
        <translation>{title}
Zuletzt aktiv {stamp} · Chat {id}</translation>
    </message>
    <message>
        <source>{title} (group)</source>
        <translation>{title} (Gruppe)</translation>
    </message>
</context>
<context>
    <name>ChatSettingsDialog</name>
    <message>
        <source>Chat settings</source>
        <translation>Chat-Einstellungen</translation>
    </message>
    <message>
        <source>This chat has its own system prompt</source>
        <translation>Dieser Chat hat einen eigenen Systemprompt</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Systemprompt</translation>
    </message>
    <message>
        <source>Instructions the model gets before the conversation</source>
        <translation>Anweisungen, die das Modell vor dem Gespräch bekommt</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Voreinstellung</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Als Voreinstellung speichern…</translation>
    </message>
    <message>
        <source>Delete preset</source>
        <translation>Voreinstellung löschen</translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking opened</source>
        <translation>Den Gedankengang des Modells aufgeklappt zeigen</translation>
    </message>
    <message>
        <source>Reasoning models think before they answer. On: each reply shows its thinking above the answer. Off: the thinking is folded to one line (“Thought for 4.2 s”) that opens it.</source>
        <translation>Reasoning-Modelle denken nach, bevor sie antworten. An: Jede Antwort zeigt ihren Gedankengang über der Antwort. Aus: Der Gedankengang ist auf eine Zeile eingeklappt („4,2 s nachgedacht“), die ihn öffnet.</translation>
    </message>
    <message>
        <source>Choose a name that is not a built-in preset&apos;s.</source>
        <translation>Wählen Sie einen Namen, den keine eingebaute Voreinstellung trägt.</translation>
    </message>
    <message>
        <source>The model&apos;s recommendation ({source}): {values}.</source>
        <translation>Empfehlung des Modells ({source}): {values}.</translation>
    </message>
    <message>
        <source>{default} (the model&apos;s recommendation)</source>
        <translation>{default} (Empfehlung des Modells)</translation>
    </message>
    <message>
        <source>Changed from the preset: </source>
        <translation>Gegenüber der Voreinstellung geändert: </translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Voreinstellung speichern</translation>
    </message>
    <message>
        <source>Name of the new preset:</source>
        <translation>Name der neuen Voreinstellung:</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Conversation</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <source>Alt+Up and Alt+Down move from message to message; Tab then reaches the message&apos;s actions, Enter uses one.</source>
        <translation>Alt+Pfeil hoch und Alt+Pfeil runter gehen von Nachricht zu Nachricht; Tab erreicht dann die Aktionen der Nachricht, Eingabe führt eine aus.</translation>
    </message>
    <message>
        <source>↑ Show earlier messages ({count} more)</source>
        <translation>↑ Frühere Nachrichten zeigen ({count} weitere)</translation>
    </message>
    <message>
        <source>Show the messages before these</source>
        <translation>Die Nachrichten vor diesen zeigen</translation>
    </message>
    <message>
        <source>↓ Show later messages ({count} more)</source>
        <translation>↓ Spätere Nachrichten zeigen ({count} weitere)</translation>
    </message>
    <message>
        <source>Show the messages after these</source>
        <translation>Die Nachrichten nach diesen zeigen</translation>
    </message>
    <message>
        <source>{author}, message {n} of {total}: {text}</source>
        <translation>{author}, Nachricht {n} von {total}: {text}</translation>
    </message>
    <message>
        <source>Message copied</source>
        <translation>Nachricht kopiert</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>Code kopiert</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <source>Stopping…</source>
        <extracomment>The user changed the app settings (app.settings.Settings); the owner saves them.</extracomment>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Chat settings</source>
        <translation>Chat-Einstellungen</translation>
    </message>
    <message>
        <source>System prompt, sampling and presets (Ctrl+,)</source>
        <translation>Systemprompt, Sampling und Voreinstellungen (Strg+,)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>Start an empty conversation (Ctrl+N)</source>
        <translation>Ein leeres Gespräch beginnen (Strg+N)</translation>
    </message>
    <message>
        <source>The conversation filled the model&apos;s context. Start a new chat.</source>
        <translation>Das Gespräch hat den Kontext des Modells gefüllt. Beginnen Sie einen neuen Chat.</translation>
    </message>
    <message>
        <source>{model} of the provider {provider}, which is no longer in Chat ▸ Providers…</source>
        <translation>{model} des Anbieters {provider}, der nicht mehr unter Chat ▸ Anbieter… steht</translation>
    </message>
    <message>
        <source>{file}, which is not in the model list</source>
        <translation>{file}, das nicht in der Modellliste steht</translation>
    </message>
    <message>
        <source>This chat was written with {where}; new replies come from {model}.</source>
        <translation>Dieser Chat wurde mit {where} geschrieben; neue Antworten kommen von {model}.</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>keinem Modell</translation>
    </message>
</context>
<context>
    <name>CompareChart</name>
    <message>
        <source>Chart of the comparison</source>
        <extracomment>One colour per column, the same in the view&apos;s headings and the chart.</extracomment>
        <translation>Diagramm des Vergleichs</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <source>Compare models and settings</source>
        <translation>Modelle und Einstellungen vergleichen</translation>
    </message>
    <message>
        <source>Saved comparisons</source>
        <translation>Gespeicherte Vergleiche</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Saved comparisons&lt;/b&gt;</source>
        <translation>&lt;b&gt;Gespeicherte Vergleiche&lt;/b&gt;</translation>
    </message>
    <message>
        <source>The prompt every target answers</source>
        <translation>Der Prompt, auf den jedes Ziel antwortet</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Systemprompt</translation>
    </message>
    <message>
        <source>each target&apos;s own</source>
        <translation>der jedes Ziels</translation>
    </message>
    <message>
        <source>each model&apos;s own</source>
        <translation>die jedes Modells</translation>
    </message>
    <message>
        <source>Start from…</source>
        <translation>Ausgehen von…</translation>
    </message>
    <message>
        <source>Fill the targets from the model of target 1</source>
        <translation>Die Ziele aus dem Modell von Ziel 1 füllen</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Höchstzahl Tokens</translation>
    </message>
    <message>
        <source>Add target</source>
        <translation>Ziel hinzufügen</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>A comparison takes at most %1 targets.</source>
        <translation>Ein Vergleich hat höchstens %1 Ziele.</translation>
    </message>
    <message>
        <source>A comparison needs at least %1 targets.</source>
        <translation>Ein Vergleich braucht mindestens %1 Ziele.</translation>
    </message>
    <message>
        <source>Pick target 1&apos;s model first.</source>
        <translation>Wählen Sie zuerst das Modell von Ziel 1.</translation>
    </message>
    <message>
        <source>Stop the comparison that runs first.</source>
        <translation>Halten Sie zuerst den laufenden Vergleich an.</translation>
    </message>
    <message>
        <source>Not run yet.</source>
        <translation>Noch nicht ausgeführt.</translation>
    </message>
    <message>
        <source>Run %1 times; the latest is shown.</source>
        <translation>%1-mal ausgeführt; der letzte Lauf wird gezeigt.</translation>
    </message>
    <message>
        <source>Run once; shown here.</source>
        <translation>Einmal ausgeführt; hier gezeigt.</translation>
    </message>
    <message>
        <source>Running one target after another…</source>
        <translation>Ein Ziel nach dem anderen läuft…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Wird angehalten…</translation>
    </message>
    <message>
        <source>Stopped; what ran is saved.</source>
        <translation>Angehalten; was lief, ist gespeichert.</translation>
    </message>
    <message>
        <source>Done; %1 of the targets failed (see their columns).</source>
        <translation>Fertig; %1 der Ziele sind fehlgeschlagen (siehe ihre Spalten).</translation>
    </message>
    <message>
        <source>Done; saved.</source>
        <translation>Fertig; gespeichert.</translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation>noch nicht ausgeführt</translation>
    </message>
    <message>
        <source>1 run</source>
        <translation>1 Lauf</translation>
    </message>
    <message>
        <source>%1 runs</source>
        <translation>%1 Läufe</translation>
    </message>
    <message>
        <source>%1
%2 targets · %3</source>
        <translation>%1
%2 Ziele · %3</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <source>Run the comparison first: there is nothing to export.</source>
        <translation>Führen Sie den Vergleich zuerst aus: Es gibt nichts zu exportieren.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Nach %1 exportiert</translation>
    </message>
    <message>
        <source>Export the comparison</source>
        <translation>Den Vergleich exportieren</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Editing a message: Enter sends it as a new version, Esc cancels.</source>
        <translation>Nachricht wird bearbeitet: Eingabe sendet sie als neue Version, Esc bricht ab.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Die Nachricht senden (Eingabe)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop reply</source>
        <translation>Antwort anhalten</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>Die Antwort anhalten (Esc)</translation>
    </message>
    <message>
        <source>Send edit</source>
        <translation>Änderung senden</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <source>A reply is being written: wait for it, or press Esc to stop it.</source>
        <translation>Eine Antwort wird gerade geschrieben: Warten Sie darauf oder drücken Sie Esc, um sie anzuhalten.</translation>
    </message>
    <message>
        <source>{reason} Nothing was sent.</source>
        <translation>{reason} Es wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>Choose a model first.</source>
        <translation>Wählen Sie zuerst ein Modell.</translation>
    </message>
</context>
<context>
    <name>DownloadPanel</name>
    <message>
        <source>Most downloads</source>
        <translation>Meiste Downloads</translation>
    </message>
    <message>
        <source>Most likes</source>
        <translation>Meiste Likes</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>Kürzlich aktualisiert</translation>
    </message>
    <message>
        <source>Search GGUF models on Hugging Face (e.g. qwen, llama)</source>
        <translation>GGUF-Modelle auf Hugging Face suchen (z. B. qwen, llama)</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>Modelle suchen</translation>
    </message>
    <message>
        <source>Sort results</source>
        <translation>Ergebnisse sortieren</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Starting models</source>
        <translation>Einstiegsmodelle</translation>
    </message>
    <message>
        <source>A few good models to begin with, small to large</source>
        <translation>Einige gute Modelle für den Anfang, von klein bis groß</translation>
    </message>
    <message>
        <source>Repositories</source>
        <translation>Repositorys</translation>
    </message>
    <message>
        <source>Choose a model on the left.</source>
        <translation>Wählen Sie links ein Modell.</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Modellkarte</translation>
    </message>
    <message>
        <source>GGUF files by quantization</source>
        <translation>GGUF-Dateien nach Quantisierung</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Passt</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Access token for gated or private models (hf_…)</source>
        <translation>Zugriffstoken für geschützte oder private Modelle (hf_…)</translation>
    </message>
    <message>
        <source>Hugging Face access token</source>
        <translation>Hugging-Face-Zugriffstoken</translation>
    </message>
    <message>
        <source>A token is saved; type a new one to replace it</source>
        <translation>Ein Token ist gespeichert; geben Sie ein neues ein, um es zu ersetzen</translation>
    </message>
    <message>
        <source>Save token</source>
        <translation>Token speichern</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Fertige entfernen</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>Fortschritt des Downloads</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Searching for “{text}”…</source>
        <translation>Suche nach „{text}“…</translation>
    </message>
    <message numerus="yes">
        <source>%n repositories.</source>
        <translation>
            <numerusform>%n Repository.</numerusform>
            <numerusform>%n Repositorys.</numerusform>
        </translation>
    </message>
    <message>
        <source>No GGUF repositories match “{text}”.</source>
        <translation>Keine GGUF-Repositorys passen zu „{text}“.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source> · gated (access granted on request)</source>
        <translation> · geschützt (Zugang auf Anfrage)</translation>
    </message>
    <message>
        <source> · gated (the authors approve each request)</source>
        <translation> · geschützt (die Autoren genehmigen jede Anfrage)</translation>
    </message>
    <message>
        <source>Licence: {licence}</source>
        <translation>Lizenz: {licence}</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>nicht angegeben</translation>
    </message>
    <message>
        <source> · private</source>
        <translation> · privat</translation>
    </message>
    <message>
        <source> · {downloads} downloads · {likes} likes · commit {commit}</source>
        <translation> · {downloads} Downloads · {likes} Likes · Commit {commit}</translation>
    </message>
    <message>
        <source>*This repository has no model card.*</source>
        <translation>*Dieses Repository hat keine Modellkarte.*</translation>
    </message>
    <message numerus="yes">
        <source> (%n part(s))</source>
        <translation>
            <numerusform> (%n Teil)</numerusform>
            <numerusform> (%n Teile)</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimate before download: {fit}</source>
        <translation>Schätzung vor dem Download: {fit}</translation>
    </message>
    <message>
        <source>This repository has no GGUF model files Slice can download.</source>
        <translation>Dieses Repository hat keine GGUF-Modelldateien, die Slice herunterladen kann.</translation>
    </message>
    <message>
        <source>Downloading {file} ({size}).</source>
        <translation>{file} wird heruntergeladen ({size}).</translation>
    </message>
    <message>
        <source>Token saved in {place}.</source>
        <translation>Token gespeichert: {place}.</translation>
    </message>
    <message>
        <source>Token removed.</source>
        <translation>Token entfernt.</translation>
    </message>
    <message>
        <source>Downloading {file}</source>
        <translation>{file} wird heruntergeladen</translation>
    </message>
    <message>
        <source>Downloading {count} files</source>
        <translation>{count} Dateien werden heruntergeladen</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>English</source>
        <extracomment>Each catalogue names its own language, in that language, as this word&apos;s translation.</extracomment>
        <translation>Deutsch</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Quant</source>
        <translation>Quant.</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Herkunft</translation>
    </message>
    <message numerus="yes">
        <source> (%n file(s))</source>
        <extracomment>The entry of a row, for any column (a ModelEntry).</extracomment>
        <translation>
            <numerusform> (%n Datei)</numerusform>
            <numerusform> (%n Dateien)</numerusform>
        </translation>
    </message>
    <message>
        <source>in file</source>
        <translation>in der Datei</translation>
    </message>
    <message>
        <source>fallback</source>
        <translation>Ersatz</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>wird berechnet…</translation>
    </message>
</context>
<context>
    <name>LoadSettingsDialog</name>
    <message>
        <source>Stop at the limit</source>
        <translation>Am Limit anhalten</translation>
    </message>
    <message>
        <source>Drop the oldest turns, keep the system prompt</source>
        <translation>Älteste Runden verwerfen, Systemprompt behalten</translation>
    </message>
    <message>
        <source>Rolling window (the oldest messages drop out first)</source>
        <translation>Gleitendes Fenster (die ältesten Nachrichten fallen zuerst weg)</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>Modelleinstellungen</translation>
    </message>
    <message>
        <source> Models &gt; Check shows the count Auto picks.</source>
        <translation> Modelle &gt; Prüfen zeigt die Zahl, die Auto wählt.</translation>
    </message>
    <message>
        <source> This build of llama.cpp has no GPU backend: the model runs on the CPU whatever this says.</source>
        <translation> Diese Version von llama.cpp hat kein GPU-Backend: Das Modell läuft auf der CPU, egal was hier steht.</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Clear the cache</source>
        <translation>Cache leeren</translation>
    </message>
    <message>
        <source>Delete every chat&apos;s saved cache, in memory and on disk: the next reply in each chat processes its history again. Nothing of the chats themselves is lost.</source>
        <translation>Den gespeicherten Cache jedes Chats löschen, im Speicher und auf der Festplatte: Die nächste Antwort in jedem Chat verarbeitet seinen Verlauf erneut. Von den Chats selbst geht nichts verloren.</translation>
    </message>
    <message>
        <source>Chat cache on disk</source>
        <translation>Chat-Cache auf der Festplatte</translation>
    </message>
    <message>
        <source>Cleared: nothing.</source>
        <translation>Geleert: nichts.</translation>
    </message>
    <message>
        <source>On disk now: nothing.</source>
        <translation>Jetzt auf der Festplatte: nichts.</translation>
    </message>
    <message numerus="yes">
        <source>Cleared: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>Geleert: %n Chat, {size} MB.</numerusform>
            <numerusform>Geleert: %n Chats, {size} MB.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>On disk now: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>Jetzt auf der Festplatte: %n Chat, {size} MB.</numerusform>
            <numerusform>Jetzt auf der Festplatte: %n Chats, {size} MB.</numerusform>
        </translation>
    </message>
    <message>
        <source>: turn it on or choose f16.</source>
        <translation>: schalten Sie sie ein oder wählen Sie f16.</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>Zoom &amp;in</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>&amp;Originalgröße</translation>
    </message>
    <message>
        <source>Previous &amp;message</source>
        <translation>Vo&amp;rherige Nachricht</translation>
    </message>
    <message>
        <source>Next m&amp;essage</source>
        <translation>Nächste Nachric&amp;ht</translation>
    </message>
    <message>
        <source>Text size {percent} %</source>
        <translation>Textgröße {percent} %</translation>
    </message>
</context>
<context>
    <name>MessageBox</name>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Message the model…  (Enter to send, Shift+Enter for a new line)</source>
        <translation>Nachricht an das Modell…  (Eingabe zum Senden, Umschalt+Eingabe für eine neue Zeile)</translation>
    </message>
</context>
<context>
    <name>MessageObjects</name>
    <message>
        <source>{author}: {words}</source>
        <translation>{author}: {words}</translation>
    </message>
    <message>
        <source>message {n} of {total}</source>
        <translation>Nachricht {n} von {total}</translation>
    </message>
    <message>
        <source>version {n} of {count}</source>
        <translation>Version {n} von {count}</translation>
    </message>
    <message>
        <source>being written</source>
        <translation>wird geschrieben</translation>
    </message>
    <message>
        <source>Hide thinking</source>
        <translation>Gedankengang ausblenden</translation>
    </message>
    <message>
        <source>Show thinking</source>
        <translation>Gedankengang zeigen</translation>
    </message>
    <message>
        <source>Copy code block {n}</source>
        <translation>Codeblock {n} kopieren</translation>
    </message>
    <message>
        <source>Copy this code block</source>
        <translation>Diesen Codeblock kopieren</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Open GGUF file…</source>
        <translation>GGUF-Datei öffnen…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>The model that answers. Pick one, or open a GGUF file to add it.</source>
        <translation>Das Modell, das antwortet. Wählen Sie eines oder öffnen Sie eine GGUF-Datei, um sie hinzuzufügen.</translation>
    </message>
    <message>
        <source>No model: open a GGUF file</source>
        <translation>Kein Modell: Öffnen Sie eine GGUF-Datei</translation>
    </message>
    <message>
        <source>{model} on {provider}</source>
        <translation>{model} bei {provider}</translation>
    </message>
    <message>
        <source>{model} on {provider} (not listed by it now)</source>
        <translation>{model} bei {provider} (derzeit nicht von ihm aufgeführt)</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>Ein GGUF-Modell öffnen</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>Could not open {file}: {reason}</source>
        <translation>{file} konnte nicht geöffnet werden: {reason}</translation>
    </message>
</context>
<context>
    <name>ModelSelection</name>
    <message>
        <source>This model file has no chat template; Slice uses a standard one, so replies may be off.</source>
        <translation>Diese Modelldatei hat keine Chat-Vorlage; Slice nutzt eine Standardvorlage, daher können Antworten danebenliegen.</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Modelle…</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>The model library, and downloads from Hugging Face</source>
        <translation>Die Modellbibliothek und Downloads von Hugging Face</translation>
    </message>
    <message>
        <source>Model settings…</source>
        <translation>Modelleinstellungen…</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>Modelleinstellungen</translation>
    </message>
    <message>
        <source>Context size, threads, GPU layers, KV cache, context overflow, speculative decoding</source>
        <translation>Kontextgröße, Threads, GPU-Schichten, KV-Cache, Kontextüberlauf, spekulatives Decodieren</translation>
    </message>
    <message>
        <source>Chat template note: {note}</source>
        <translation>Hinweis zur Chat-Vorlage: {note}</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
</context>
<context>
    <name>ModelsView</name>
    <message>
        <source>Models in the library</source>
        <translation>Modelle in der Bibliothek</translation>
    </message>
    <message>
        <source>Model details</source>
        <translation>Modelldetails</translation>
    </message>
    <message>
        <source>Select a model to see its details.</source>
        <translation>Wählen Sie ein Modell, um seine Details zu sehen.</translation>
    </message>
    <message>
        <source>Use in this chat</source>
        <translation>In diesem Chat nutzen</translation>
    </message>
    <message>
        <source>Set as default</source>
        <translation>Als Standard festlegen</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Pre-load check: header, memory, and a trial load</source>
        <translation>Prüfung vor dem Laden: Header, Speicher und ein Probeladen</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Im Ordner zeigen</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>Dateien importieren…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>Watch a folder: its GGUF files are added to the library</source>
        <translation>Einen Ordner beobachten: Seine GGUF-Dateien kommen in die Bibliothek</translation>
    </message>
    <message>
        <source>Checking {model}: reading its header, then a trial load…</source>
        <translation>{model} wird geprüft: Header lesen, dann Probeladen…</translation>
    </message>
    <message>
        <source>The check failed: {reason}</source>
        <translation>Die Prüfung ist fehlgeschlagen: {reason}</translation>
    </message>
    <message>
        <source>Check passed: </source>
        <translation>Prüfung bestanden: </translation>
    </message>
    <message>
        <source>Do not load: </source>
        <translation>Nicht laden: </translation>
    </message>
    <message>
        <source>Delete {model}?

Its file ({size}) will be deleted from disk:
{path}</source>
        <translation>{model} löschen?

Seine Datei ({size}) wird von der Festplatte gelöscht:
{path}</translation>
    </message>
    <message>
        <source>Remove {model} from the library?

The file stays where it is:
{path}</source>
        <translation>{model} aus der Bibliothek entfernen?

Die Datei bleibt, wo sie ist:
{path}</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>Modell löschen</translation>
    </message>
    <message>
        <source>Could not delete {path}: {reason}.</source>
        <translation>{path} konnte nicht gelöscht werden: {reason}.</translation>
    </message>
    <message>
        <source>{model} was deleted.</source>
        <translation>{model} wurde gelöscht.</translation>
    </message>
    <message>
        <source>{model} was removed from the library.</source>
        <translation>{model} wurde aus der Bibliothek entfernt.</translation>
    </message>
    <message>
        <source>Import GGUF models</source>
        <translation>GGUF-Modelle importieren</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF-Modelle (*.gguf)</translation>
    </message>
    <message>
        <source>Watch a folder of GGUF models</source>
        <translation>Einen Ordner mit GGUF-Modellen beobachten</translation>
    </message>
    <message numerus="yes">
        <source>Added %n model(s).</source>
        <translation>
            <numerusform>%n Modell hinzugefügt.</numerusform>
            <numerusform>%n Modelle hinzugefügt.</numerusform>
        </translation>
    </message>
    <message>
        <source>File: {path}</source>
        <translation>Datei: {path}</translation>
    </message>
    <message>
        <source>Origin: {origin}</source>
        <translation>Herkunft: {origin}</translation>
    </message>
    <message>
        <source>SHA-256: {hash}</source>
        <translation>SHA-256: {hash}</translation>
    </message>
    <message>
        <source>being computed…</source>
        <translation>wird berechnet…</translation>
    </message>
    <message>
        <source>Slice opens with this model.</source>
        <translation>Slice startet mit diesem Modell.</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Close notice</source>
        <translation>Hinweis schließen</translation>
    </message>
    <message>
        <source>Notice: {text}</source>
        <translation>Hinweis: {text}</translation>
    </message>
</context>
<context>
    <name>ProviderEditor</name>
    <message>
        <source>⚠ Slice will not check this server&apos;s certificate: anyone on the network path could read and change what is sent, the key included. Untick this only for a self-signed certificate you trust.</source>
        <translation>⚠ Slice prüft das Zertifikat dieses Servers nicht: Jeder auf dem Netzwerkweg könnte mitlesen und ändern, was gesendet wird, auch den Schlüssel. Nehmen Sie das Häkchen nur für ein selbst signiertes Zertifikat weg, dem Sie vertrauen.</translation>
    </message>
    <message>
        <source>Edit {name}</source>
        <translation>{name} bearbeiten</translation>
    </message>
    <message>
        <source>Add a provider</source>
        <translation>Anbieter hinzufügen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>What the model list calls it: letters, digits, spaces, . _ -</source>
        <translation>So heißt er in der Modellliste: Buchstaben, Ziffern, Leerzeichen, . _ -</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>Where its OpenAI-compatible routes are; a URL without a path gets /v1</source>
        <translation>Wo seine OpenAI-kompatiblen Routen liegen; eine URL ohne Pfad bekommt /v1</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Show the key you type</source>
        <translation>Den eingegebenen Schlüssel anzeigen</translation>
    </message>
    <message>
        <source>Forget the kept key</source>
        <translation>Gespeicherten Schlüssel vergessen</translation>
    </message>
    <message>
        <source>Send no key to this server from now on</source>
        <translation>Diesem Server ab jetzt keinen Schlüssel senden</translation>
    </message>
    <message>
        <source>a key is kept ({hint}): type a new one to replace it</source>
        <translation>ein Schlüssel ist gespeichert ({hint}): geben Sie einen neuen ein, um ihn zu ersetzen</translation>
    </message>
    <message>
        <source>a key is kept: type a new one to replace it</source>
        <translation>ein Schlüssel ist gespeichert: geben Sie einen neuen ein, um ihn zu ersetzen</translation>
    </message>
    <message>
        <source>Kept in {place}.</source>
        <translation>Gespeichert: {place}.</translation>
    </message>
    <message>
        <source>none (the server needs no key)</source>
        <translation>keiner (der Server braucht keinen Schlüssel)</translation>
    </message>
    <message>
        <source>Kept in the system keyring when there is one (else a file only you can read), never in providers.json.</source>
        <translation>Im Schlüsselbund des Systems gespeichert, wenn es einen gibt (sonst in einer Datei, die nur Sie lesen können), nie in providers.json.</translation>
    </message>
    <message>
        <source>Extra headers</source>
        <translation>Zusätzliche Header</translation>
    </message>
    <message>
        <source>Sent with every request to this server; one Name: value a line</source>
        <translation>Mit jeder Anfrage an diesen Server gesendet; ein Name: Wert pro Zeile</translation>
    </message>
    <message>
        <source>Verify TLS certificates</source>
        <translation>TLS-Zertifikate prüfen</translation>
    </message>
    <message>
        <source>Check an https:// server&apos;s certificate (leave this on)</source>
        <translation>Das Zertifikat eines https://-Servers prüfen (eingeschaltet lassen)</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>&amp;Basis-URL</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API-&amp;Schlüssel</translation>
    </message>
    <message>
        <source>Extra &amp;headers</source>
        <translation>Zusätzliche &amp;Header</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Testen</translation>
    </message>
    <message>
        <source>Ask the server for its models with these settings</source>
        <translation>Den Server mit diesen Einstellungen nach seinen Modellen fragen</translation>
    </message>
    <message>
        <source>Test result</source>
        <translation>Testergebnis</translation>
    </message>
    <message>
        <source>Give the server&apos;s base URL, for example http://192.168.1.20:8080/v1.</source>
        <translation>Geben Sie die Basis-URL des Servers an, zum Beispiel http://192.168.1.20:8080/v1.</translation>
    </message>
    <message>
        <source>Asking {url} for its models…</source>
        <translation>{url} wird nach seinen Modellen gefragt…</translation>
    </message>
    <message>
        <source>⚠ The test failed: {error}</source>
        <translation>⚠ Der Test ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>The provider could not be saved: {reason}</source>
        <translation>Der Anbieter konnte nicht gespeichert werden: {reason}</translation>
    </message>
</context>
<context>
    <name>ProvidersDialog</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>Basis-URL</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Hinweise</translation>
    </message>
    <message>
        <source>No providers yet. Add an OpenAI-compatible server (llama-server, vLLM, another Slice…) and its models appear in the model list, marked as remote.</source>
        <translation>Noch keine Anbieter. Fügen Sie einen OpenAI-kompatiblen Server hinzu (llama-server, vLLM, ein anderes Slice…), und seine Modelle erscheinen in der Modellliste, als entfernt markiert.</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>Add an OpenAI-compatible server</source>
        <translation>Einen OpenAI-kompatiblen Server hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen…</translation>
    </message>
    <message>
        <source>Forget the provider and its key</source>
        <translation>Den Anbieter und seinen Schlüssel vergessen</translation>
    </message>
    <message>
        <source>set</source>
        <translation>gesetzt</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Remove {name}?</source>
        <translation>{name} entfernen?</translation>
    </message>
    <message>
        <source>Slice forgets {name} and its key; its models leave the model list. Chats written with them keep their replies.</source>
        <translation>Slice vergisst {name} und seinen Schlüssel; seine Modelle verschwinden aus der Modellliste. Chats, die mit ihnen geschrieben wurden, behalten ihre Antworten.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
</context>
<context>
    <name>QCoreApplication</name>
    <message>
        <source>No reply: this message was left out of the conversation.</source>
        <translation>Keine Antwort: Diese Nachricht wurde aus dem Gespräch herausgelassen.</translation>
    </message>
    <message>
        <source>Interrupted: Slice closed before this reply finished.</source>
        <translation>Unterbrochen: Slice wurde geschlossen, bevor diese Antwort fertig war.</translation>
    </message>
    <message>
        <source>Stopped: this reply kept repeating itself. Continue anyway, regenerate, or turn the check off in Model settings.</source>
        <translation>Angehalten: Diese Antwort hat sich ständig wiederholt. Trotzdem fortsetzen, neu erzeugen oder die Prüfung in den Modelleinstellungen ausschalten.</translation>
    </message>
    <message>
        <source>The language changes when you restart Slice.</source>
        <translation>Die Sprache ändert sich, wenn Sie Slice neu starten.</translation>
    </message>
</context>
<context>
    <name>RemoteModels</name>
    <message>
        <source>Could not list the models ({error}).</source>
        <translation>Die Modelle konnten nicht aufgelistet werden ({error}).</translation>
    </message>
</context>
<context>
    <name>RepoListModel</name>
    <message>
        <source>{name}
{quant} · about {size} · {note}</source>
        <extracomment>The repository id of a result row.</extracomment>
        <translation>{name}
{quant} · etwa {size} · {note}</translation>
    </message>
    <message>
        <source>{repo}
{downloads} downloads · {likes} likes</source>
        <translation>{repo}
{downloads} Downloads · {likes} Likes</translation>
    </message>
    <message>
        <source> · updated {date}</source>
        <translation> · aktualisiert {date}</translation>
    </message>
    <message>
        <source> · gated</source>
        <translation> · geschützt</translation>
    </message>
</context>
<context>
    <name>ResultColumn</name>
    <message>
        <source>Reply of target %1</source>
        <translation>Antwort von Ziel %1</translation>
    </message>
    <message>
        <source>Waiting for its turn…</source>
        <translation>Wartet, bis es an der Reihe ist…</translation>
    </message>
    <message>
        <source>Waiting for %1…</source>
        <translation>Warte auf %1…</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>Warte auf das Modell…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Das Modell wird geladen…</translation>
    </message>
    <message>
        <source>Loading the model… %1 %</source>
        <translation>Das Modell wird geladen… %1 %</translation>
    </message>
    <message>
        <source>Loaded in %1 s</source>
        <translation>In %1 s geladen</translation>
    </message>
    <message>
        <source>Reading the prompt… %1/%2</source>
        <translation>Prompt wird gelesen… %1/%2</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>Schreibt…</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Denkt nach…</translation>
    </message>
    <message>
        <source>%1 tokens · %2 tok/s</source>
        <translation>%1 Tokens · %2 tok/s</translation>
    </message>
    <message>
        <source>No result in this run.</source>
        <translation>Kein Ergebnis in diesem Lauf.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Stopped by you</source>
        <translation>Von Ihnen angehalten</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>Nicht ausgeführt</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Always required when other machines can connect.</source>
        <translation>Immer nötig, wenn andere Rechner sich verbinden können.</translation>
    </message>
    <message>
        <source>API server</source>
        <extracomment>The user applied server settings (app.settings.ServerSettings); the owner uses and saves them, and hands them to the control.</extracomment>
        <translation>API-Server</translation>
    </message>
    <message>
        <source> One a line.</source>
        <translation> Einer pro Zeile.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>API key (hidden)</source>
        <translation>API-Schlüssel (verborgen)</translation>
    </message>
    <message>
        <source>Copy key</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Put the API key on the clipboard, to paste into an app</source>
        <translation>Den API-Schlüssel in die Zwischenablage legen, um ihn in eine App einzufügen</translation>
    </message>
    <message>
        <source>Regenerate key…</source>
        <translation>Neu erzeugen…</translation>
    </message>
    <message>
        <source>Make a new key; apps with the old one stop working</source>
        <translation>Einen neuen Schlüssel erzeugen; Apps mit dem alten funktionieren nicht mehr</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>Beantwortete Anfragen</translation>
    </message>
    <message>
        <source>Requests failed</source>
        <translation>Fehlgeschlagene Anfragen</translation>
    </message>
    <message>
        <source>Waiting in the queue</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Jetzt</translation>
    </message>
    <message>
        <source>Serve the API to other machines?</source>
        <translation>Die API anderen Rechnern bereitstellen?</translation>
    </message>
    <message>
        <source>With the address {host}, other machines that can reach this computer can connect to Slice on port {port} and use your model.</source>
        <translation>Mit der Adresse {host} können sich andere Rechner, die diesen Computer erreichen, auf Port {port} mit Slice verbinden und Ihr Modell nutzen.</translation>
    </message>
    <message>
        <source>Every request must then carry the API key: give it only to people and apps you trust. Keep 127.0.0.1 to serve this computer only.</source>
        <translation>Jede Anfrage muss dann den API-Schlüssel mitbringen: Geben Sie ihn nur Personen und Apps, denen Sie vertrauen. Behalten Sie 127.0.0.1, um nur diesen Computer zu bedienen.</translation>
    </message>
    <message>
        <source>Serve other machines</source>
        <translation>Andere Rechner bedienen</translation>
    </message>
    <message>
        <source>The key is on the clipboard.</source>
        <translation>Der Schlüssel ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>Make a new API key?</source>
        <translation>Einen neuen API-Schlüssel erzeugen?</translation>
    </message>
    <message>
        <source>Apps and scripts that use the current key stop working until you give them the new one.</source>
        <translation>Apps und Skripte, die den aktuellen Schlüssel nutzen, funktionieren nicht mehr, bis Sie ihnen den neuen geben.</translation>
    </message>
    <message>
        <source>Make a new key</source>
        <translation>Neuen Schlüssel erzeugen</translation>
    </message>
    <message>
        <source>A new key is in use: copy it to your apps. The old one no longer works.</source>
        <translation>Ein neuer Schlüssel ist in Gebrauch: Kopieren Sie ihn in Ihre Apps. Der alte funktioniert nicht mehr.</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keiner</translation>
    </message>
    <message>
        <source>Kept in {place}.</source>
        <translation>Gespeichert: {place}.</translation>
    </message>
</context>
<context>
    <name>ServerIndicator</name>
    <message>
        <source>{tip} Click for the server&apos;s settings.</source>
        <translation>{tip} Klicken Sie für die Einstellungen des Servers.</translation>
    </message>
    <message>
        <source>API server off</source>
        <translation>API-Server aus</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Alt+Up / Alt+Down</source>
        <translation>Alt+Pfeil hoch / Alt+Pfeil runter</translation>
    </message>
    <message>
        <source>Previous / next message (then Tab reaches its actions)</source>
        <translation>Vorherige / nächste Nachricht (dann erreicht Tab ihre Aktionen)</translation>
    </message>
    <message>
        <source>Ctrl+Tab</source>
        <translation>Strg+Tab</translation>
    </message>
    <message>
        <source>Leave the conversation (Tab goes from link to link in it)</source>
        <translation>Die Unterhaltung verlassen (Tab geht darin von Link zu Link)</translation>
    </message>
    <message>
        <source>Ctrl++ / Ctrl+-</source>
        <translation>Strg++ / Strg+-</translation>
    </message>
    <message>
        <source>Larger / smaller text</source>
        <translation>Größerer / kleinerer Text</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Strg+0</translation>
    </message>
    <message>
        <source>Text at its usual size</source>
        <translation>Text in normaler Größe</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>The chat&apos;s name matches</source>
        <translation>Der Name des Chats passt</translation>
    </message>
    <message>
        <source>Chats</source>
        <extracomment>The user chose a chat (its id). The user chose a search hit: chat id, message id (0 when the title matched), query. A chat was deleted (it can still be restored with Undo). A deleted chat was restored. A chat was renamed (its id). The user asked to export a chat (its id). Something went wrong; the message is for the status line.</extracomment>
        <translation>Chats</translation>
    </message>
    <message>
        <source>Search chats  (Ctrl+F)</source>
        <translation>Chats durchsuchen  (Strg+F)</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>Chats durchsuchen</translation>
    </message>
    <message>
        <source>Chat list</source>
        <translation>Chatliste</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Suchergebnisse</translation>
    </message>
    <message>
        <source>No chat has these words.</source>
        <translation>Kein Chat enthält diese Wörter.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig machen</translation>
    </message>
    <message>
        <source>Bring the deleted chat back (Ctrl+Z)</source>
        <translation>Den gelöschten Chat zurückholen (Strg+Z)</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Ausblenden</translation>
    </message>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>„{title}“ gelöscht.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Slice cannot open your chats</source>
        <translation>Slice kann Ihre Chats nicht öffnen</translation>
    </message>
    <message>
        <source>Slice cannot start</source>
        <translation>Slice kann nicht starten</translation>
    </message>
</context>
<context>
    <name>StatsBar</name>
    <message>
        <source>Time to first token, from pressing Send to the first text on screen.
“engine” is the model&apos;s own share: request received to first token.
“answer” (a reasoning model): request received to the first token of the answer, after the thinking.</source>
        <translation>Zeit bis zum ersten Token, vom Drücken auf Senden bis zum ersten Text auf dem Bildschirm.
„Engine“ ist der Anteil des Modells selbst: Anfrage erhalten bis erstes Token.
„Antwort“ (ein Reasoning-Modell): Anfrage erhalten bis zum ersten Token der Antwort, nach dem Nachdenken.</translation>
    </message>
    <message>
        <source>Time to first token, from pressing Send to the first text on screen: the network, the server&apos;s queue and its reading of the prompt included.</source>
        <translation>Zeit bis zum ersten Token, vom Drücken auf Senden bis zum ersten Text auf dem Bildschirm: Netzwerk, Warteschlange des Servers und sein Lesen des Prompts eingeschlossen.</translation>
    </message>
    <message>
        <source>Reply statistics</source>
        <translation>Antwortstatistik</translation>
    </message>
    <message>
        <source>TTFT</source>
        <translation>TTFT</translation>
    </message>
    <message>
        <source>Time to first token</source>
        <translation>Zeit bis zum ersten Token</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Context used</source>
        <translation>Genutzter Kontext</translation>
    </message>
    <message>
        <source>Stop reason</source>
        <translation>Grund des Endes</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Entfernt</translation>
    </message>
    <message>
        <source>Remote model</source>
        <translation>Entferntes Modell</translation>
    </message>
    <message>
        <source>The provider whose server wrote the reply. “speeds from the server”: its own timings; “speeds measured here”: computed from the stream as it arrived.</source>
        <translation>Der Anbieter, dessen Server die Antwort geschrieben hat. „Geschwindigkeiten vom Server“: seine eigenen Messungen; „hier gemessene Geschwindigkeiten“: aus dem Datenstrom beim Eintreffen berechnet.</translation>
    </message>
    <message>
        <source>Prompt tokens processed (reused from cache) and processing speed</source>
        <translation>Verarbeitete Prompt-Tokens (aus dem Cache wiederverwendet) und Verarbeitungsgeschwindigkeit</translation>
    </message>
    <message>
        <source>Generated tokens (of which thinking, for a reasoning model) and generation speed</source>
        <translation>Erzeugte Tokens (davon Nachdenken, bei einem Reasoning-Modell) und Erzeugungsgeschwindigkeit</translation>
    </message>
    <message>
        <source>Context window used / context size, in tokens</source>
        <translation>Genutztes Kontextfenster / Kontextgröße, in Tokens</translation>
    </message>
    <message>
        <source>{count} tok</source>
        <translation>{count} Tok.</translation>
    </message>
    <message>
        <source>({count} cached, restored from {source})</source>
        <translation>({count} aus dem Cache, von {source} wiederhergestellt)</translation>
    </message>
    <message>
        <source>({count} cached)</source>
        <translation>({count} aus dem Cache)</translation>
    </message>
    <message>
        <source>{count} thinking</source>
        <translation>{count} Nachdenken</translation>
    </message>
    <message>
        <source>{share} of {count} drafted accepted</source>
        <translation>{share} von {count} Entwürfen angenommen</translation>
    </message>
    <message>
        <source>(context shifted)</source>
        <translation>(Kontext verschoben)</translation>
    </message>
    <message>
        <source>disk</source>
        <translation>der Festplatte</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>dem Arbeitsspeicher</translation>
    </message>
    <message>
        <source>engine {time}</source>
        <translation>Engine {time}</translation>
    </message>
    <message>
        <source>answer {time}</source>
        <translation>Antwort {time}</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Choose “Open GGUF file…” in the model list to add a model.</source>
        <translation>Wählen Sie „GGUF-Datei öffnen…“ in der Modellliste, um ein Modell hinzuzufügen.</translation>
    </message>
    <message>
        <source>Generating…  Esc stops</source>
        <translation>Generiert…  Esc hält an</translation>
    </message>
    <message>
        <source>Thinking…  Esc stops</source>
        <translation>Denkt nach…  Esc hält an</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>Warte auf das Modell…</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Status: {text}</source>
        <translation>Status: {text}</translation>
    </message>
    <message>
        <source>{model} is ready · context {n_ctx} tokens</source>
        <translation>{model} ist bereit · Kontext {n_ctx} Tokens</translation>
    </message>
    <message>
        <source>{model} loads when you send a message.</source>
        <translation>{model} wird geladen, wenn Sie eine Nachricht senden.</translation>
    </message>
    <message>
        <source>{model} answers from {provider}&apos;s server; nothing loads here.</source>
        <translation>{model} antwortet vom Server von {provider}; hier wird nichts geladen.</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>{model} wird geladen…</translation>
    </message>
    <message>
        <source>Loading {model}</source>
        <translation>{model} wird geladen</translation>
    </message>
    <message>
        <source>Loaded {model} in {seconds} s</source>
        <translation>{model} in {seconds} s geladen</translation>
    </message>
    <message>
        <source>Processing prompt {done}/{total}</source>
        <translation>Prompt wird verarbeitet {done}/{total}</translation>
    </message>
    <message>
        <source>Processing the prompt</source>
        <translation>Der Prompt wird verarbeitet</translation>
    </message>
    <message numerus="yes">
        <source>The context is full: %n older message(s) (#{numbers}) no longer reach the model.</source>
        <translation>
            <numerusform>Der Kontext ist voll: %n ältere Nachricht (#{numbers}) erreicht das Modell nicht mehr.</numerusform>
            <numerusform>Der Kontext ist voll: %n ältere Nachrichten (#{numbers}) erreichen das Modell nicht mehr.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TargetEditor</name>
    <message>
        <source>KV cache type</source>
        <extracomment>The user asked to remove this target. Something in the form changed.</extracomment>
        <translation>KV-Cache-Typ</translation>
    </message>
    <message>
        <source>Speculative</source>
        <translation>Spekulativ</translation>
    </message>
    <message>
        <source>Speculative decoding by prompt lookup</source>
        <translation>Spekulatives Decodieren per Prompt-Lookup</translation>
    </message>
    <message>
        <source>model&apos;s</source>
        <translation>die des Modells</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove this target</source>
        <translation>Dieses Ziel entfernen</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV-Cache</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU-Schichten</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Target %1</source>
        <translation>Ziel %1</translation>
    </message>
</context>
</TS>
