#!/usr/bin/env python3
"""Writes the benchmark inputs for the feedback engine and the TF-IDF baseline.

    python3 bench/make_bench_inputs.py OUTDIR

Creates OUTDIR/scheme40.txt (a 40-point mark scheme: 20 bullets supporting and 20 challenging
the view, one sub-point each) and OUTDIR/essay1000.txt (a 1,000-word essay: introduction, six
body paragraphs, conclusion). The texts are embedded below and written for this benchmark, so
the output is the same on every run.

The question they belong to: 'There was more continuity than change in the government of the
USSR in the years 1941 to 1964.' Assess the validity of this view.
"""

import sys
from pathlib import Path

SCHEME40 = """\
Arguments supporting the view
- The Communist Party kept its monopoly of power throughout the period and no rival parties were permitted
- Both leaders relied on the secret police, and the KGB founded in 1954 continued the work of the NKVD and MVD
- Khrushchev used force to crush the Hungarian uprising in 1956, just as Stalin had imposed Soviet control on Eastern Europe by force
- The Novocherkassk strike of 1962 was put down by troops who fired on unarmed workers
- The command economy and central planning through Gosplan continued under both leaders
- Heavy industry and defence spending kept their priority over consumer goods for most of the period
- The Seven Year Plan of 1959 set output targets in the same way as the Stalinist Five Year Plans
- Collective farms remained the basis of Soviet agriculture and peasants were still tied to the kolkhoz
- Censorship continued, shown by the refusal to publish Pasternak's Doctor Zhivago in 1957
- A renewed anti-religious campaign from 1959 closed thousands of Orthodox churches
- Khrushchev rose through the Stalinist system and had taken part in the purges in Moscow and Ukraine
- The Secret Speech blamed Stalin personally and avoided any criticism of collectivisation and the Party itself
- The power struggle after 1953 was fought out in the Presidium, and Beria was arrested and shot
- The nomenklatura system of appointments kept the same bureaucratic elite in office
- A personality cult grew around Khrushchev in the late 1950s, echoing the cult of Stalin
- Cold War rivalry with the West continued, seen in the Berlin crisis of 1961 and the Cuban missile crisis of 1962
- The arms race continued the priority on military strength established by Stalin during and after the war
- Soviet control over the satellite states of Eastern Europe was maintained through the Warsaw Pact of 1955
- Non-Russian nationalities remained subject to Russification and tight central control from Moscow
- Khrushchev defeated the Anti-Party Group in 1957 by using the Party machine against his rivals, as Stalin had done

Arguments challenging the view
- Mass terror ended after 1953 and defeated rivals were demoted rather than executed
- Millions of prisoners were released from the Gulag labour camps after the death of Stalin
- The Secret Speech of 1956 denounced the cult of personality and the crimes of Stalin
- Many victims of the purges were rehabilitated and the deportation of whole nationalities was condemned
- The cultural thaw allowed the publication of Solzhenitsyn's One Day in the Life of Ivan Denisovich in 1962
- The Virgin Lands scheme opened vast new areas of Kazakhstan and Siberia to grain farming
- Procurement prices paid to collective farms were raised and taxes on private plots were cut
- Regional economic councils, the sovnarkhozy, were set up in 1957 to decentralise economic management
- More investment went into consumer goods, housing and light industry than under Stalin
- A huge housing programme built millions of cheap flats known as khrushchevki
- Working hours were reduced while wages and pensions increased for ordinary workers
- The labour laws of 1940, which had made lateness at work a criminal offence, were relaxed
- Peaceful coexistence replaced the Stalinist belief that war with the capitalist world was inevitable
- Khrushchev travelled abroad and visited the United States in 1959, which Stalin never did
- Relations with Tito's Yugoslavia were restored in 1955 and different roads to socialism were accepted
- Collective leadership was stressed after 1953 and the Central Committee regained some of its authority
- The Party was split into separate industrial and agricultural sections in 1962
- Khrushchev was removed peacefully by the Central Committee in 1964 and allowed to retire on a pension
- The education reform of 1958 added polytechnical training and work experience to schooling
- The launch of Sputnik in 1957 reflected greater investment in science and technology
"""

ESSAY1000 = """\
Between 1941 and 1964 the Soviet Union was led first by Joseph Stalin, who guided it through the Great Patriotic War and the hard years of reconstruction, and then, after a short struggle for power, by Nikita Khrushchev. Khrushchev presented himself as the man who had broken with the crimes of the past, and in many ways daily life became less frightening. Yet the political system he led was recognisably the one he had inherited: a single party, a planned economy and a state that still used force whenever it felt threatened. This essay argues that there was more continuity than change, because the reforms of the Khrushchev years altered the methods of Soviet rule far more than its structure.

The clearest continuity lay in the monopoly of power held by the Communist Party. No rival party was tolerated at any point in the period, and decisions were still taken by a small group at the top, first in Stalin's Politburo and later in the Presidium. The struggle that followed Stalin's death in March 1953 showed how little the rules had changed. Beria, who controlled the security apparatus, was arrested in June and shot in December 1953, a fate that recalled the purges. When Malenkov, Molotov and Kaganovich tried to remove Khrushchev in 1957, he defeated this Anti-Party Group by mobilising the Central Committee, using the Party machine much as Stalin had done in the 1920s. The nomenklatura system of appointments kept the same bureaucratic elite in office. Khrushchev's own career, which included a part in the purges in Moscow and Ukraine, shows that the new leader was himself a product of Stalinism.

Economic policy also shows strong continuity. The command economy survived intact, and Gosplan continued to set targets for every branch of industry. The Seven Year Plan of 1959 was organised in the same way as the Five Year Plans of the 1930s and the postwar reconstruction plan of 1946, and heavy industry and defence still took the largest share of investment. The collective farms created by Stalin remained the basis of agriculture, and peasants stayed tied to the kolkhoz with few of the rights enjoyed by town dwellers. The arms race with the United States continued Stalin's priority on military strength, and the Berlin crisis of 1961 and the Cuban missile crisis of 1962 showed that the Cold War was as dangerous as ever. Khrushchev wanted faster growth, but he never questioned the principle that the state should own and plan the economy.

Repression was reduced but never abandoned. The KGB, founded in 1954, took over the work of the NKVD and the MVD, and dissent could still lead to prison or a psychiatric hospital. Censorship remained, as the refusal to publish Pasternak's Doctor Zhivago in 1957 showed, and from 1959 a renewed anti-religious campaign closed thousands of churches. When workers in Novocherkassk protested against higher food prices in 1962, troops opened fire and killed more than twenty people. Abroad, Khrushchev sent tanks into Budapest to crush the Hungarian uprising in 1956, and Soviet control of Eastern Europe was formalised in the Warsaw Pact of 1955. These events suggest that the methods of the Stalin era could return whenever the regime felt that its authority was under threat.

However, the ending of mass terror was a genuine and significant change. After 1953 millions of prisoners were released from the Gulag labour camps, and many victims of the purges were rehabilitated, often long after their deaths. In the Secret Speech of February 1956 Khrushchev denounced Stalin's cult of personality and his crimes against loyal communists, and the deportation of whole nationalities was condemned. Defeated rivals were no longer shot: Malenkov was sent to manage a power station in Kazakhstan and Molotov became ambassador to Mongolia. The cultural thaw allowed the publication of Solzhenitsyn's One Day in the Life of Ivan Denisovich in 1962, a story about the camps that would have been unthinkable under Stalin. For ordinary citizens the fear of arbitrary arrest declined sharply.

Economic and social policy also changed in important ways. The Virgin Lands scheme, launched in 1954, opened huge areas of Kazakhstan and western Siberia to grain farming, and procurement prices paid to collective farms were raised while taxes on private plots were cut. In 1957 Khrushchev replaced many central ministries with regional economic councils, the sovnarkhozy, in an attempt to decentralise management. More investment went into consumer goods and housing, and millions of families moved into the new flats known as khrushchevki. Working hours were reduced, pensions and wages increased, and the harsh labour laws of 1940, which had made lateness a crime, were relaxed. The launch of Sputnik in 1957 reflected heavy investment in science and technology. These reforms suggest that Khrushchev hoped to win support through rising living standards rather than fear.

Foreign policy and the workings of the Party changed as well. At the Twentieth Party Congress Khrushchev announced peaceful coexistence, rejecting the Stalinist idea that war with the capitalist world was inevitable. He restored relations with Tito's Yugoslavia in 1955, accepted that there could be different roads to socialism, and visited the United States in 1959, something Stalin never did. At home, collective leadership was stressed after 1953, the Central Committee regained some authority, and the Party was split into industrial and agricultural sections in 1962. Most strikingly, when the Central Committee removed Khrushchev in October 1964 he was allowed to retire on a pension, which showed that the rules of Soviet politics had genuinely changed.

In conclusion, Khrushchev's rule brought real changes, above all the end of mass terror after 1953, but there was more continuity than change. The Communist Party kept its monopoly, the economy remained centrally planned, and force was still used at Novocherkassk and in Hungary. The Secret Speech attacked Stalin personally but carefully protected the Party and the system that had produced him. Khrushchev changed how the Soviet Union was ruled, but not who ruled it or why, so the view is largely valid.
"""


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make_bench_inputs.py OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("scheme40.txt", SCHEME40), ("essay1000.txt", ESSAY1000)):
        (out / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
